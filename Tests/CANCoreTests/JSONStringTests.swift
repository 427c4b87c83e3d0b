import Testing
import CANCore

/// `JSONString`, the one JSON escaper: both forms equal what Python 3's `json.dumps` printed
/// for the same text (`ensure_ascii=True` and `False`; the expected strings were copied from
/// its output). The byte-for-byte comparison with a live Python over many names is in
/// CANDatabaseTests (the canonical line against cantools).
@Suite struct JSONStringTests {
    static let cases: [(text: String, ascii: String, utf8: String)] = [
        ("plain", #""plain""#, #""plain""#),
        ("a\"b\\c", #""a\"b\\c""#, #""a\"b\\c""#),
        ("\n\r\t\u{8}\u{C}\u{1}\u{1F}\u{7F}", #""\n\r\t\b\f\u0001\u001f\u007f""#, "\"\\n\\r\\t\\b\\f\\u0001\\u001f\u{7F}\""),
        ("é€😀", #""\u00e9\u20ac\ud83d\ude00""#, "\"é€😀\""),
        ("\u{1B}[31m", #""\u001b[31m""#, #""\u001b[31m""#),
        ("", #""""#, #""""#),
    ]

    @Test("as json.dumps quotes it", arguments: 0..<cases.count)
    func quoted(index: Int) {
        let c = Self.cases[index]
        #expect(JSONString.quoted(c.text) == c.ascii)
        #expect(JSONString.quoted(c.text, form: .utf8) == c.utf8)
        #expect(JSONString.quoted(c.text).utf8.count <= JSONString.maxQuotedLength(c.text))
    }
}
