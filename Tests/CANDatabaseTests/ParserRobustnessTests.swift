import CANCore
import Foundation
import Testing
@testable import CANDatabase

/// No input traps: random bytes, random token soup, and every truncated prefix of a real DBC.
@Suite struct ParserRobustnessTests {

    static let seed: UInt64 = 0xCA_2D0B_5EED

    @Test func randomBytesNeverTrap() {
        print("ParserRobustnessTests.randomBytes seed \(Self.seed)")
        var rng = SplitMix64(seed: Self.seed)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<400, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = DBCParser.parse(bytes, file: "random.dbc")
        }
    }

    @Test func tokenSoupNeverTraps() {
        print("ParserRobustnessTests.tokenSoup seed \(Self.seed)")
        let pieces = [
            "BO_", "SG_", "CM_", "BA_", "BA_DEF_", "BA_DEF_DEF_", "VAL_", "VAL_TABLE_", "SG_MUL_VAL_", "SIG_VALTYPE_",
            "BO_TX_BU_", "EV_", "NS_", "BS_", "BU_", "VERSION", "SIG_GROUP_", "BA_REL_", "BA_DEF_REL_", "SGTYPE_",
            ":", ";", ",", "|", "@", "(", ")", "[", "]", "+", "-", "\"", "\"text\"", "\n", " ", "\t", "M", "m1",
            "m2M", "0", "1", "-1", "3-3", "2147483648", "4294967295", "99999999999999999999", "-9223372036854775808",
            ".5", "1e308", "1e999", "NAME", "2017_5", "Vector__XXX", "INT", "HEX", "FLOAT", "STRING", "ENUM", "//", "/*",
            "*/", "\\", "\u{B0}", "VFrameFormat", "\"GenMsgCycleTime\"", "\"VFrameFormat\"", "\"CANFD_BRS\"", "64", "511",
        ]
        var rng = SplitMix64(seed: Self.seed)
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<80, using: &rng) {
                text += pieces.randomElement(using: &rng)!
                if Bool.random(using: &rng) { text += " " }
            }
            let result = DBCParser.parse(Array(text.utf8), file: "soup.dbc")
            _ = DatabaseDescription.render(result.database)
        }
    }

    @Test func truncatedPrefixesNeverTrap() throws {
        let full = Array(ParserSupport.syntheticDBC(messages: 12).utf8)
        print("ParserRobustnessTests.truncatedPrefixes: \(full.count) prefixes of a synthetic DBC")
        for end in 0...full.count {
            let result = DBCParser.parse(Array(full[0..<end]), file: "prefix.dbc")
            _ = DatabaseDescription.render(result.database)
        }
        if let dir = ParserSupport.opendbcDirectory() {
            let path = "\(dir)/toyota_prius_2010_pt.dbc"
            if FileManager.default.fileExists(atPath: path) {
                let bytes = try ParserSupport.readBytes(path)
                var rng = SplitMix64(seed: Self.seed)
                print("ParserRobustnessTests.truncatedPrefixes: 500 random prefixes of \(path), seed \(Self.seed)")
                for _ in 0..<500 {
                    let end = Int.random(in: 0...bytes.count, using: &rng)
                    _ = DBCParser.parse(Array(bytes[0..<end]), file: "prefix.dbc")
                }
            }
        }
    }
}
