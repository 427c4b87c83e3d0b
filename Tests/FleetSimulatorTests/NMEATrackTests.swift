import CANCore
@testable import FleetSimulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The bundle's `track.nmea`: GGA + RMC at 1 Hz with correct checksums, one fix per second of
/// the capture and one at its end, and a route whose great-circle legs (haversine here, with the
/// C library's trigonometry — not the generator's step formula) add up to the truth's distance.
@Suite struct NMEATrackTests {
    struct Sentence {
        var fields: [Substring]
    }

    /// Every line checked (`$BODY*HH`, HH the XOR of BODY) and split into fields.
    static func sentences(_ text: String) -> [Sentence] {
        #expect(text.hasSuffix("\r\n"))
        return text.split(separator: "\r\n").map { line in
            let star = line.lastIndex(of: "*")!
            let body = line[line.index(after: line.startIndex)..<star]
            let sum = body.utf8.reduce(UInt8(0), ^)
            #expect(line.first == "$" && line[line.index(after: star)...] == String(sum, radix: 16, uppercase: true).leftPadded(2), "\(line)")
            return Sentence(fields: body.split(separator: ",", omittingEmptySubsequences: false))
        }
    }

    static func degrees(_ field: Substring, _ hemisphere: Substring, _ width: Int) -> Double {
        (Double(field.prefix(width))! + Double(field.dropFirst(width))! / 60) * (hemisphere == "S" || hemisphere == "W" ? -1 : 1)
    }

    static func haversineMetres(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.0 - a.0) * rad, dLon = (b.1 - a.1) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.0 * rad) * cos(b.0 * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * NMEATrack.earthRadiusMetres * asin(min(1, sqrt(h)))
    }

    @Test func aDrivesTrackIsOneFixASecondWhoseLegsAddUpToTheSimulatedDistance() throws {
        let options = SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 240, seed: 7)
        let c = try SimulatedCapture(options, name: "nmea")
        let track = SimulationBundle.track(c.simulation, c.truth)
        let text = track.text
        let sentences = Self.sentences(text)
        #expect(sentences.count == 2 * 241)
        var positions: [(Double, Double)] = []
        for (k, pair) in stride(from: 0, to: sentences.count, by: 2).enumerated() {
            let gga = sentences[pair].fields, rmc = sentences[pair + 1].fields
            #expect(gga[0] == "GPGGA" && rmc[0] == "GPRMC" && rmc[2] == "A" && gga[6] == "1")
            #expect(gga[1] == rmc[1] && gga[2...5] == rmc[3...6], "GGA and RMC of fix \(k) agree")
            // hhmmss.ss and ddmmyy → Unix seconds: the capture's start + k.
            let t = rmc[1], d = rmc[9]
            let days = CivilDate.days(year: 2000 + Int64(d.suffix(2))!, month: Int(d.dropFirst(2).prefix(2))!, day: Int(d.prefix(2))!)
            let seconds = Int64(t.prefix(2))! * 3600 + Int64(t.dropFirst(2).prefix(2))! * 60 + Int64(t.dropFirst(4).prefix(2))!
            #expect(days * 86_400 + seconds == options.startEpochSeconds + Int64(k))
            positions.append((Self.degrees(rmc[3], rmc[4], 2), Self.degrees(rmc[5], rmc[6], 3)))
        }
        var metres = 0.0
        for k in 1..<positions.count { metres += Self.haversineMetres(positions[k - 1], positions[k]) }
        let truth = c.truth.distanceKm * 1000
        print("NMEA track: \(positions.count) fixes, legs \(metres) m, truth \(truth) m, difference \(metres - truth) m")
        #expect(truth > 500, "the van drove \(truth) m")
        #expect(abs(metres - truth) <= 0.5, "legs \(metres) m, truth \(truth) m")
        #expect(SimulationBundle.track(c.simulation, c.truth).text == text, "deterministic")
    }

    @Test func standingStillRepeatsTheFixAndSpeedsAreTheLastSecondsDistance() {
        let track = NMEATrack(startEpochSeconds: 1_767_225_600, cumulativeKm: [0, 0.01, 0.01, 0.03], seed: 2)
        #expect(track.fixes.map(\.time) == [1_767_225_600, 1_767_225_601, 1_767_225_602, 1_767_225_603])
        #expect(track.fixes[1].latitude == track.fixes[2].latitude && track.fixes[1].longitude == track.fixes[2].longitude)
        #expect(abs(track.fixes[0].latitude - 31.2838) < 1e-12 && abs(track.fixes[0].longitude - 121.1613) < 1e-12)
        #expect(track.fixes.map { ($0.speedKnots * 1852 / 3600 * 1000).rounded() / 1000 } == [0, 10, 0, 20])
        let first = Self.sentences(track.text)[1].fields
        #expect(first[1] == "000000.00" && first[9] == "010126" && first[3] == "3117.028000" && first[5] == "12109.678000", "\(first)")
        #expect(Self.sentences(track.text)[3].fields[7] == "19.44", "10 m/s in knots")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
