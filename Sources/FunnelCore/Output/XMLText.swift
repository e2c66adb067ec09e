/// Text for XML and HTML: the five characters that markup reserves, and control characters
/// (which XML 1.0 cannot hold at all) shown as escapes.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out += " "
            default:
                if u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
