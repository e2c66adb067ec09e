/// What `--store` (or `FUNNEL_STORE`, or `.open`) names: a directory, or a PostgreSQL
/// database as a libpq connection URL (`postgres://` or `postgresql://`). The URL goes to
/// libpq as written, so everything libpq understands works: `PG*` environment variables for
/// what the URL leaves out, `~/.pgpass`, `?sslmode=`, a socket folder as the host.
public enum StoreAddress: Equatable {
    case directory(String)
    case postgres(url: String)

    public init(_ text: String) {
        self = Self.isURL(text) ? .postgres(url: text) : .directory(text)
    }

    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Opens the store without touching it: a database is connected to on first use, so a
    /// connection failure is reported by the command that needed it.
    /// `cacheRoot`: where a team store keeps its local cache (nil: none).
    public func open(cacheRoot: String? = nil, lockTimeout: Double = FileStore.defaultLockTimeout) -> Store {
        switch self {
        case .directory(let path): return FileStore(directory: path, lockTimeout: lockTimeout)
        case .postgres(let url): return PostgresStore(url: url, cacheRoot: cacheRoot)
        }
    }

    /// The cache folder for team stores: `$XDG_CACHE_HOME/funnel`, else `$HOME/.cache/funnel`.
    public static func cacheRoot(environment: [String: String]) -> String? {
        if let x = environment["XDG_CACHE_HOME"], x.hasPrefix("/") { return x + "/funnel" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/funnel" }
        return nil
    }

    /// The address for messages, banners and history: a URL's password, in the user part
    /// or a `password=` parameter, becomes `***`.
    public var display: String {
        switch self {
        case .directory(let path): return path
        case .postgres(let url): return Self.masked(url)
        }
    }

    /// `text` with the password of every postgres URL in it masked, for lines that may hold
    /// one (a REPL entry with `.open postgres://…` goes to the history file).
    public static func maskingPasswords(in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = firstURLStart(in: rest) {
            out += rest[rest.startIndex..<start]
            let end = rest[start...].firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\"" || $0 == "'" }) ?? rest.endIndex
            out += masked(String(rest[start..<end]))
            rest = rest[end...]
        }
        return out + rest
    }

    private static func firstURLStart(in text: Substring) -> Substring.Index? {
        let lower = text.lowercased()
        let hits = ["postgres://", "postgresql://"].compactMap { lower.firstRange(of: $0)?.lowerBound }
        guard let first = hits.min() else { return nil }
        return text.index(text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: first))
    }

    /// The URL with its password masked; the rest as written.
    public static func masked(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var authority = String(afterScheme[afterScheme.startIndex..<authorityEnd])
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":"),
           authority.index(after: colon) < at {
            authority = String(authority[...colon]) + "***" + String(authority[at...])
        }
        var tail = String(afterScheme[authorityEnd...])
        if let question = tail.firstIndex(of: "?") {
            let query = tail[tail.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                pair.lowercased().hasPrefix("password=") ? "password=***" : String(pair)
            }
            tail = String(tail[...question]) + query.joined(separator: "&")
        }
        return String(url[..<schemeEnd.upperBound]) + authority + tail
    }

    /// The password a URL carries (raw and percent-decoded), so a message from libpq that
    /// happens to quote it can be masked too.
    static func passwords(in url: String) -> [String] {
        guard let schemeEnd = url.firstRange(of: "://") else { return [] }
        var found: [String] = []
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[afterScheme.startIndex..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            found.append(String(authority[authority.index(after: colon)..<at]))
        }
        if let question = afterScheme.firstIndex(of: "?") {
            for pair in afterScheme[afterScheme.index(after: question)...].split(separator: "&") where pair.lowercased().hasPrefix("password=") {
                found.append(String(pair.dropFirst("password=".count)))
            }
        }
        let decoded = found.compactMap(percentDecoded)
        return Array(Set((found + decoded).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    static func percentDecoded(_ s: String) -> String? {
        var bytes: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let c = u.first {
            u = u.dropFirst()
            if c == UInt8(ascii: "%") {
                guard u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                u = u.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
