#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's environment variables, read from `environ` as Foundation's
/// `ProcessInfo.environment` reads them (an entry that is not UTF-8 or has no `=` is left
/// out; of two entries with one name the later wins), but once per process: Foundation's
/// builds a new dictionary at every call, and a command asked for it five times at start.
/// funnel never changes its own environment.
public enum ProcessEnvironment {
    public static let variables: [String: String] = {
        var count = 0
        while environ[count] != nil { count += 1 }
        var result: [String: String] = [:]
        result.reserveCapacity(count)
        var entry = environ
        while let p = entry.pointee {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
               let name = String(validating: bytes[..<equals], as: UTF8.self),
               let value = String(validating: bytes[(equals + 1)...], as: UTF8.self) {
                result[name] = value
            }
            entry += 1
        }
        return result
    }()

    /// One variable's value; nil when it is unset or empty.
    public static func value(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
}
