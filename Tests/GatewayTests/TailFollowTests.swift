import CANCapture
import CANCore
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

func appendText(_ text: String, to path: String) throws {
    guard let file = fopen(path, "ab") else { throw TestFailure("cannot append to \(path)") }
    defer { fclose(file) }
    _ = text.withCString { fputs($0, file) }
}

@Suite struct TailFollowTests {
    @Test func followsGrowthAndPartialLinesThenTheNextRecording() throws {
        let directory = try TemporaryDirectory.make("follow")
        let first = directory + "/rec-20260312T140502.000000Z-000001.log"
        let second = directory + "/rec-20260312T140503.500000Z-000002.log"
        let unrelated = directory + "/other-20260312T140504.000000Z-000001.log"
        try appendText("(1.000000) can0 123#01\n(1.100000) can0 12", to: first)
        let follower = try CaptureFollower(path: first)
        #expect(try follower.poll().map(\.id) == [0x123])
        #expect(try follower.poll().isEmpty)
        try appendText("4#02\n", to: first)
        #expect(try follower.poll().map(\.id) == [0x124])
        try appendText("(2.000000) can1 1FFFFFFF#\n", to: unrelated)
        #expect(try follower.poll().isEmpty && follower.rotations == 0)
        // Rotation: the last line of the old file lands just before the new file appears.
        try appendText("(1.200000) can0 125#03\n", to: first)
        try appendText("(1.300000) can0 126#04\n", to: second)
        let frames = try follower.poll()
        #expect(frames.map(\.id) == [0x125, 0x126])
        #expect(follower.rotations == 1 && follower.path == second)
        try appendText("(1.400000) can0 127#\n", to: second)
        #expect(try follower.poll().map(\.id) == [0x127])
    }

    @Test func followsTheRecorderAcrossManyRotations() throws {
        let directory = try TemporaryDirectory.make("follow-recorder")
        let options = RecorderOptions(directory: directory, maxFileBytes: 3000, retentionBytes: 0)
        let files = RotatingCaptureFiles(options: options)
        let frames = recorderFrames(count: 2000, seed: 11)
        try files.write(frames[0..<1])
        try files.flush()
        let follower = try CaptureFollower(path: try #require(files.currentFile))
        var seen: [CANFrame] = []
        for start in stride(from: 1, to: frames.count, by: 97) {
            try files.write(frames[start..<min(start + 97, frames.count)])
            seen += try follower.poll()
        }
        try files.close()
        while true {
            let more = try follower.poll()
            if more.isEmpty { break }
            seen += more
        }
        #expect(follower.rotations == files.filesStarted - 1 && follower.rotations > 10)
        #expect(seen == frames)
    }

    @Test func recordingNamesAreRecognised() {
        #expect(CaptureFollower.recordingName("candor-20260312T140502.123456Z-000007.log")?.prefix == "candor")
        #expect(CaptureFollower.recordingName("my-bus-20260312T140502.123456Z-000007.log")?.prefix == "my-bus")
        #expect(CaptureFollower.recordingName("drive.log") == nil)
    }
}

@Suite struct TailLineTests {
    @Test func parsesCanonicalLinesKeepingValueText() throws {
        let text = #"{"bus":"can0","ext":false,"id":36,"msg":"KINEMATICS","signals":{"ACCEL_X":18.05,"MODE":"Sport","YAW_RATE":-1e-05},"t":1627323339.323041}"#
        guard case .frame(let line)? = TailLine.parse(text[...]) else { Issue.record("not parsed"); return }
        #expect(line.bus == "can0" && line.id == 36 && !line.isExtended && line.message == "KINEMATICS")
        #expect(line.signals.map(\.name) == ["ACCEL_X", "MODE", "YAW_RATE"])
        #expect(line.signals.map(\.value) == ["18.05", "Sport", "-1e-05"])
        #expect(line.time == "1627323339.323041")
        #expect(shown(text) == "1627323339.323041 can0 024 KINEMATICS ACCEL_X=18.05 MODE=Sport YAW_RATE=-1e-05")
        #expect(shown(text, colour: true).contains("\u{1B}[1mKINEMATICS\u{1B}[0m"))
    }

    @Test func parsesErrorsUnknownIdsAndMissedNotices() {
        let error = #"{"bus":"can0","error":"remote frame","ext":true,"id":418381312,"msg":"EEC1","t":1.000000}"#
        guard case .frame(let failed)? = TailLine.parse(error[...]) else { Issue.record("not parsed"); return }
        #expect(failed.error == "remote frame" && failed.isExtended)
        #expect(shown(error) == "1.000000 can0 18EFFE00 EEC1 error: remote frame")
        let unknown = #"{"bus":"vcan0","ext":false,"id":1,"msg":null,"signals":{},"t":2.5}"#
        guard case .frame(let u)? = TailLine.parse(unknown[...]) else { Issue.record("not parsed"); return }
        #expect(u.message == nil && u.signals.isEmpty)
        #expect(shown(unknown) == "2.5 vcan0 001 ?")
        var ignored: [UInt8] = []
        #expect(shown(#"{"missed":123}"#) == "" && TailPrinter(filter: TailFilter(), format: .text, colour: false).render(#"{"missed":123}"#, to: &ignored) == 123)
        #expect(TailLine.parse(#"{"missed":123}"#) == .missed(123))
        #expect(TailLine.parse("not json") == nil)
    }

    @Test func filtersByBusIdMessageAndSignal() {
        let text = #"{"bus":"can0","ext":false,"id":36,"msg":"KINEMATICS","signals":{"ACCEL_X":1,"ACCEL_Y":2,"YAW_RATE":3},"t":1.0}"#
        #expect(shown(text, TailFilter()) == "1.0 can0 024 KINEMATICS ACCEL_X=1 ACCEL_Y=2 YAW_RATE=3")
        #expect(shown(text, TailFilter(bus: "can0")) != "" && shown(text, TailFilter(bus: "can1")) == "")
        #expect(shown(text, TailFilter(id: 36)) != "" && shown(text, TailFilter(id: 37)) == "")
        #expect(shown(text, TailFilter(message: "KIN*")) != "" && shown(text, TailFilter(message: "BRAKE*")) == "")
        #expect(shown(text, TailFilter(signal: "ACCEL_?")) == "1.0 can0 024 KINEMATICS ACCEL_X=1 ACCEL_Y=2")
        #expect(shown(text, TailFilter(signal: "SPEED")) == "")
        var jsonl: [UInt8] = []
        _ = TailPrinter(filter: TailFilter(signal: "ACCEL_?"), format: .jsonl, colour: false).render(text[...], to: &jsonl)
        #expect(String(decoding: jsonl, as: UTF8.self) == text + "\n")
        _ = TailPrinter(filter: TailFilter(signal: "SPEED"), format: .jsonl, colour: false).render(text[...], to: &jsonl)
        #expect(String(decoding: jsonl, as: UTF8.self) == text + "\n")
    }

    @Test func escapedNamesAreUnescapedForFiltersAndText() {
        // ensure_ascii: é is \u00e9, an emoji a surrogate pair; \/ and \" as JSON allows.
        let text = #"{"bus":"can\/0","ext":true,"id":1,"msg":"Caf\u00e9","signals":{"A\"B":"\ud83d\ude00"},"t":1.0}"#
        #expect(shown(text, TailFilter(bus: "can/0", message: "Café")) == "1.0 can/0 00000001 Café A\"B=😀")
        #expect(shown(text, TailFilter(signal: "A\"*")) != "" && shown(text, TailFilter(bus: "can\\/0")) == "")
    }

    /// What `candor tail --format text` shows of one line ("" when nothing), without its newline.
    private func shown(_ text: String, _ filter: TailFilter = TailFilter(), colour: Bool = false) -> String {
        var output: [UInt8] = []
        _ = TailPrinter(filter: filter, format: .text, colour: colour).render(text[...], to: &output)
        if output.last == UInt8(ascii: "\n") { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }
}
