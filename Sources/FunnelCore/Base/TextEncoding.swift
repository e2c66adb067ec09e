/// The character encodings an import reads: `encoding "gbk"` and the others. Every file is
/// turned into UTF-8 before the CSV reader sees it, so the reader, the mapping and the store
/// deal in UTF-8 only.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case gbk
    case gb18030
    case windows1252 = "windows-1252"
    case latin1 = "latin-1"

    /// The names an `encoding` option accepts, in any letter case, and what they mean.
    static let names: [String: TextEncoding] = [
        "utf-8": .utf8, "utf8": .utf8,
        "utf-16": .utf16, "utf16": .utf16,
        "gbk": .gbk, "gb2312": .gbk, "cp936": .gbk,
        "gb18030": .gb18030,
        "windows-1252": .windows1252, "cp1252": .windows1252,
        "latin-1": .latin1, "latin1": .latin1, "iso-8859-1": .latin1,
    ]

    public init?(name: String) {
        guard let e = Self.names[name.lowercased()] else { return nil }
        self = e
    }

    /// The name iconv knows it by. GBK is read as GB18030, its superset, so the few
    /// characters GBK exports borrow from it decode too.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf16: return "UTF-16"
        case .gbk, .gb18030: return "GB18030"
        case .windows1252: return "CP1252"
        case .latin1: return "ISO-8859-1"
        }
    }

    /// The encodings as the docs and messages list them.
    public static let documented = ["utf-8", "utf-16", "gbk", "gb18030", "windows-1252", "latin-1"]

    /// A guess at the encoding of bytes that are not UTF-8, for the error's `help:`: Chinese
    /// exports pair a lead byte 0x81–0xFE with a trail byte 0x40–0xFE (GBK), Excel's
    /// "Unicode Text" has a NUL in every other byte (UTF-16), and Western exports have
    /// single bytes above 0x7F between ASCII (Windows-1252).
    static func guess(_ sample: UnsafeBufferPointer<UInt8>) -> TextEncoding {
        let evenNULs = stride(from: 0, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
        let oddNULs = stride(from: 1, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
        if sample.count >= 4, max(evenNULs, oddNULs) * 4 >= sample.count { return .utf16 }
        var i = 0, pairs = 0, singles = 0
        while i < sample.count {
            let b = sample[i]
            if b < 0x80 { i += 1; continue }
            if (0x81...0xFE).contains(b), i + 1 < sample.count, (0x40...0xFE).contains(sample[i + 1]), sample[i + 1] != 0x7F {
                pairs += 1; i += 2
            } else {
                singles += 1; i += 1
            }
        }
        return pairs > 0 && singles == 0 ? .gbk : .windows1252
    }
}
