import CANCore
import Foundation
import Testing
@testable import CANCapture

/// `rejectNonFrames`: what `candor decode --strict` needs (DESIGN.md: error frames and lines
/// that are not frames become an error with file:line).
@Suite("rejecting error frames and non-frame lines")
struct RejectNonFramesTests {
    static func firstError(_ text: String, name: String) throws -> CaptureError? {
        let reader = try CaptureReader(bytes: Array(text.utf8), name: name, format: nil, strict: false, rejectNonFrames: true)
        do {
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test("candump log: an error frame stops at its line")
    func errorFrame() throws {
        let error = try #require(try Self.firstError("""
            (1.000000) can0 123#11

            (1.000001) can0 20000080#0000000000000000
            """, name: "e.log"))
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("e.log:3: error frame on can0 (bus-error)"))
    }

    @Test("candump log: a DROPCOUNT line stops at its line")
    func dropCount() throws {
        let error = try #require(try Self.firstError("""
            (1.000000) can0 123#11
            DROPCOUNT: dropped 2 CAN frames on 'can0' socket (total drops 2)
            """, name: "d.log"))
        #expect(error.line == 2 && error.message.contains("dropped 2"))
    }

    @Test("ASC: headers pass, a statistics event stops")
    func ascEvents() throws {
        #expect(try Self.firstError(ASCTests.sample.replacingOccurrences(of: "ErrorFrame", with: "123 Rx d 0"), name: "a.asc")?.line == 18)
        let clean = """
            date Tue Nov 14 22:13:20 2023
            base hex  timestamps absolute
            internal events logged
            Begin Triggerblock Tue Nov 14 22:13:20.000 2023
               0.000000 Start of measurement
               0.000001 1  123             Rx   d 1 11
            End TriggerBlock
            """
        #expect(try Self.firstError(clean, name: "c.asc") == nil)
    }

    @Test("pcap: an error frame stops at its record")
    func pcapErrorFrame() throws {
        let dir = try makeScratchDirectory("reject")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.pcapng").path
        try writeAll(SampleFrames.all(), to: path)
        let reader = try CaptureReader(path: path, rejectNonFrames: true)
        #expect {
            while try reader.next() != nil {}
        } throws: { error in
            // SHB, IDB can0, 2 frames, IDB can1, 9 more frames, then the error frame.
            (error as! CaptureError).line == 16 && (error as! CaptureError).message.contains("error frame")
        }
    }

    @Test("without the option, the same input reads to the end")
    func tolerantByDefault() throws {
        let (frames, stats) = try readAll("""
            (1.000000) can0 123#11
            DROPCOUNT: dropped 2 CAN frames on 'can0' socket (total drops 2)
            (1.000001) can0 20000080#0000000000000000
            """)
        #expect(frames.count == 2 && stats.errorFrames == 1 && stats.droppedByKernel == 2)
    }
}
