#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's environment variables, read from `environ` as Foundation's
/// `ProcessInfo.environment` reads them (an entry that is not UTF-8 or has no `=` is left
/// out; of two entries with one name the later wins), without Foundation: the shell and the
/// executable do not link it, which every command would otherwise pay for at start.
public enum ProcessEnvironment {
    public static var variables: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let p = entry.pointee {
            if let text = String(validatingCString: p), let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    /// One variable's value; nil when it is unset or empty.
    public static func value(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
}
