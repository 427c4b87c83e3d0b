import Testing
@testable import Gateway

/// Issue #10 item 14: the canonical line carries control characters JSON-escaped
/// (`\u001b`); `TailLine.parse` unescapes them, so `candor tail`'s text must escape them
/// again before they reach the terminal.
@Suite struct TailTextEscapeTests {
    @Test func controlCharactersFromTheLineAreEscaped() throws {
        let text = #"{"bus":"can0\u001b]0;pwned\u0007","ext":false,"id":36,"msg":"M\u001b[2J","signals":{"S\u009b1m":"DRIVE\u001b[31m","T":1.5},"t":1.000000}"#
        guard case .frame(let line)? = TailLine.parse(text[...]) else { Issue.record("not parsed"); return }
        #expect(line.bus == "can0\u{1B}]0;pwned\u{07}")
        for colour in [false, true] {
            var rendered = shown(text, colour: colour)
            if colour {
                for code in ["\u{1B}[0m", "\u{1B}[1m", "\u{1B}[2m", "\u{1B}[31m"] { rendered = rendered.replacingOccurrences(code, with: "") }
            }
            #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(rendered.debugDescription)")
        }
        #expect(shown(text, colour: false)
            == #"1.000000 can0\x1b]0;pwned\x07 024 M\x1b[2J S\u009b1m=DRIVE\x1b[31m T=1.5"#)
    }
}

/// What `candor tail --format text` shows of one line, without its newline.
private func shown(_ text: String, colour: Bool) -> String {
    var output: [UInt8] = []
    _ = TailPrinter(filter: TailFilter(), format: .text, colour: colour).render(text[...], to: &output)
    return String(decoding: output.dropLast(), as: UTF8.self)
}

private extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
