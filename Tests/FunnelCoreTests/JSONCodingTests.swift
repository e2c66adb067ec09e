import Testing
@testable import FunnelCore

private func decode(_ text: String) throws -> JSONValue {
    try JSONCoding.decode(Array(text.utf8)[...])
}

/// The S002 message for `text`, or nil when it decodes.
private func decodeError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try JSONCoding.decode(bytes[...])
        return nil
    } catch let d as Diagnostic {
        return "\(d.kind) \(d.code) \(d.message)"
    } catch {
        return "unexpected \(error)"
    }
}

private func decodeError(_ text: String) -> String? { decodeError(Array(text.utf8)) }
struct JSONCodingTests {
    @Test func encodesCompactlyInKeyOrder() {
        let v = JSONValue.object([
            ("name", .string("张三 – Ünïcode")), ("amount", .number(120000)), ("p", .number(0.25)),
            ("d", .number(-3)), ("big", .number(1e300)), ("tiny", .number(5e-324)),
            ("esc", .string("a\"b\\c/\n\t\u{1}\u{1F}")), ("ok", .bool(true)), ("no", .bool(false)),
            ("none", .null), ("list", .array([.number(1), .array([]), .object([])])),
        ])
        #expect(JSONCoding.encode(v) == #"{"name":"张三 – Ünïcode","amount":120000,"p":0.25,"d":-3,"big":1e+300,"tiny":5e-324,"esc":"a\"b\\c/\u000a\u0009\u0001\u001f","ok":true,"no":false,"none":null,"list":[1,[],{}]}"#)
    }

    @Test func encodesNumbersAtTheEdges() {
        #expect(JSONCoding.encode(.number(9_007_199_254_740_992)) == "9007199254740992")
        #expect(JSONCoding.encode(.number(-9_007_199_254_740_992)) == "-9007199254740992")
        #expect(JSONCoding.encode(.number(18_014_398_509_481_984)) == "1.8014398509481984e+16")
        #expect(JSONCoding.encode(.number(0.1)) == "0.1")
        #expect(JSONCoding.encode(.number(-0.0)) == "0")
        #expect(JSONCoding.encode(.number(1e-7)) == "1e-07")
        #expect(JSONCoding.encode(.number(.nan)) == "null")
        #expect(JSONCoding.encode(.number(.infinity)) == "null")
        #expect(JSONCoding.encode(.number(-.infinity)) == "null")
    }

    @Test func roundTripsValues() throws {
        let values: [JSONValue] = [
            .object([("客户", .string("上海贸易有限公司")), ("金额", .number(120000)), ("stage", .string("Proposal"))]),
            .string("quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} emoji 😀"),
            .array([.number(0.25), .number(-3), .number(1e300), .number(-1.5e-300), .number(123456789.125)]),
            .object([("z", .null), ("a", .bool(true)), ("m", .array([.object([("k", .string(""))])]))]),
            .number(0), .null, .bool(false), .string(""),
        ]
        for v in values {
            #expect(try decode(JSONCoding.encode(v)) == v)
        }
    }

    @Test func decodesNumbers() throws {
        #expect(try decode("120000") == .number(120000))
        #expect(try decode("0.25") == .number(0.25))
        #expect(try decode("-3") == .number(-3))
        #expect(try decode("1e300") == .number(1e300))
        #expect(try decode("1E+2") == .number(100))
        #expect(try decode("-0.5e-1") == .number(-0.05))
        #expect(try decode("12345678901234567890") == .number(1.2345678901234567890e19))
        #expect(try decode("1e-400") == .number(0))
    }

    @Test func decodesEscapesAndWhitespace() throws {
        #expect(try decode(#" { "a" : [ 1 , "\u00e9\ud83d\ude00\u4E2D" ] , "b\/" : "\"\\\b\f\n\r\t" } "#)
            == .object([("a", .array([.number(1), .string("é😀中")])), ("b/", .string("\"\\\u{8}\u{C}\n\r\t"))]))
        #expect(try decode("\"中文 text\"") == .string("中文 text"))
        #expect(try decode("\t\r\n null \n") == .null)
    }

    @Test func keepsDuplicateKeysInOrder() throws {
        #expect(try decode(#"{"a":1,"a":2}"#) == .object([("a", .number(1)), ("a", .number(2))]))
    }

    @Test func reportsWhatIsWrongAndWhere() {
        let cases: [(String, String)] = [
            ("", "invalid JSON at byte 0: unexpected end of input"),
            ("   ", "invalid JSON at byte 3: unexpected end of input"),
            (#"{"a":1} x"#, "invalid JSON at byte 8: unexpected 'x' after the value"),
            ("[1,]", "invalid JSON at byte 3: unexpected ']'"),
            ("[1 2]", "invalid JSON at byte 3: expected ',' or ']', found '2'"),
            (#"{"a" 1}"#, "invalid JSON at byte 5: expected ':', found '1'"),
            (#"{"a":1;"#, "invalid JSON at byte 6: expected ',' or '}', found ';'"),
            ("{a:1}", "invalid JSON at byte 1: expected a string key, found 'a'"),
            ("[1,", "invalid JSON at byte 3: unexpected end of input"),
            (#""abc"#, "invalid JSON at byte 0: unterminated string"),
            (#""a\"#, "invalid JSON at byte 2: unterminated string"),
            (#""\x""#, "invalid JSON at byte 1: invalid escape '\\x'"),
            (#""\u12G4""#, "invalid JSON at byte 1: invalid \\u escape"),
            (#""\u12""#, "invalid JSON at byte 1: invalid \\u escape"),
            (#""\ud800""#, "invalid JSON at byte 1: unpaired surrogate \\uD800"),
            (#""\ud800\u0041""#, "invalid JSON at byte 1: unpaired surrogate \\uD800"),
            (#""\udc00""#, "invalid JSON at byte 1: unpaired surrogate \\uDC00"),
            ("\"a\nb\"", "invalid JSON at byte 2: unescaped control character 0x0A in string"),
            ("01", "invalid JSON at byte 1: unexpected '1' after the value"),
            ("-", "invalid JSON at byte 0: invalid number"),
            ("1.", "invalid JSON at byte 0: invalid number"),
            ("1e", "invalid JSON at byte 0: invalid number"),
            (".5", "invalid JSON at byte 0: unexpected '.'"),
            ("+1", "invalid JSON at byte 0: unexpected '+'"),
            ("1e400", "invalid JSON at byte 0: number out of range"),
            ("tru", "invalid JSON at byte 0: invalid literal"),
            ("nulL", "invalid JSON at byte 0: invalid literal"),
            ("NaN", "invalid JSON at byte 0: unexpected 'N'"),
        ]
        for (text, message) in cases {
            #expect(decodeError(text) == "io S002 " + message, "input: \(text)")
        }
        #expect(decodeError([0x22, 0xFF, 0x22]) == "io S002 invalid JSON at byte 0: invalid UTF-8 in string")
        #expect(decodeError([0x22, 0x5C, 0x6E, 0xC3, 0x22]) == "io S002 invalid JSON at byte 0: invalid UTF-8 in string")
        #expect(decodeError([0x01]) == "io S002 invalid JSON at byte 0: unexpected byte 0x01")
        #expect(decodeError([0x31, 0x00]) == "io S002 invalid JSON at byte 1: unexpected byte 0x00 after the value")
    }

    @Test func offsetsAreRelativeToTheSlice() {
        let bytes = Array("xxxx[1,}".utf8)
        switch JSONCoding.parse(bytes[4...]) {
        case .success: Issue.record("expected an error")
        case .failure(let e): #expect(e.message == "invalid JSON at byte 3: unexpected '}'")
        }
    }

    @Test func limitsNestingDepth() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONCoding.depth(of: decode(ok)) == 64)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(decodeError(tooDeep) == "io S002 invalid JSON at byte 64: nesting deeper than 64 levels")
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(decodeError(objects) == "io S002 invalid JSON at byte 320: nesting deeper than 64 levels")
        // Far deeper input must still be an error, not a stack overflow.
        #expect(decodeError(String(repeating: "[", count: 100_000)) == "io S002 invalid JSON at byte 64: nesting deeper than 64 levels")
    }

    /// Damaged journals hand the parser anything; it must answer, never trap.
    @Test func garbageNeverTraps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let alphabet = Array(#"{}[]:,"\/ubfnrt0123456789-+.eE tfalsenull"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xA9, 0xE4, 0xFF, 0xED, 0xA0]
        let sample = Array(JSONCoding.encode(.object([
            ("a", .array([.number(-1.5e3), .string("x\"\\\u{1}中😀"), .null, .bool(true)])), ("b", .object([("c", .number(0))])),
        ])).utf8)
        var decoded = 0
        for _ in 0..<20_000 {
            let length = Int(next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            if decodeError(bytes) == nil { decoded += 1 }
        }
        for cut in 0...sample.count {
            _ = decodeError(Array(sample[..<cut]))
            _ = decodeError(Array(sample[cut...]))
        }
        for i in sample.indices {
            for b: UInt8 in [0x00, 0x22, 0x5C, 0x7B, 0x5D, 0xFF, 0x75] {
                var mutated = sample
                mutated[i] = b
                _ = decodeError(mutated)
            }
        }
        #expect(decoded > 0)
        #expect(decodeError(sample) == nil)
    }
}
