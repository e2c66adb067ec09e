internal import CLibpq

/// One libpq connection, synchronous like the file store's I/O. Failures become `.io`
/// diagnostics that name the store (password masked) and give libpq's or the server's reason.
final class PostgresConnection {
    /// The URL with its password masked, for every message.
    let location: String
    private let url: String
    private let passwords: [String]
    private var connection: OpaquePointer?

    init(url: String) {
        self.url = url
        location = StoreAddress.masked(url)
        passwords = StoreAddress.passwords(in: url)
    }

    deinit { if let connection { funnel_PQfinish(connection) } }

    /// A failed statement: the server's SQLSTATE (empty when the connection itself failed)
    /// and its message.
    struct Failure: Error {
        var state: String
        var message: String
        var connectionLost: Bool
    }

    /// Connects if not connected, or again after the connection was lost (the server
    /// restarted): the next command after an outage just works.
    /// What to check when a connection fails: the certificate when TLS refused it, the
    /// server's TLS rules when it asked for TLS, else the URL, the server and the password.
    static func connectHelp(_ reason: String) -> String {
        if reason.contains("certificate") {
            return "the server's certificate was not accepted: check sslrootcert (the authority that signed it, else ~/.postgresql/root.crt) and that the URL's host is the name in the certificate"
        }
        if reason.contains("no encryption") {
            return "the server takes this connection only over TLS: add ?sslmode=require (or verify-full) to the URL"
        }
        return "check the URL, that the server is running, and the role's password (~/.pgpass or PGPASSWORD)"
    }

    func open() throws {
        if let c = connection {
            if funnel_PQstatus(c) == CONNECTION_OK { return }
            funnel_PQfinish(c)
            connection = nil
        }
        if let why = funnel_libpq_error() {
            throw Diagnostic(.io, "S040", "cannot connect to \(location): libpq, PostgreSQL's client library, cannot be loaded: \(String(cString: why))",
                             help: "install it (Debian and Ubuntu: apt-get install libpq5)")
        }
        let c = funnel_PQconnectdb(url)
        guard let c, funnel_PQstatus(c) == CONNECTION_OK else {
            let reason = c.map { mask(String(cString: funnel_PQerrorMessage($0))) } ?? "out of memory"
            let host = c.flatMap { funnel_PQhost($0) }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            if let c { funnel_PQfinish(c) }
            throw Diagnostic(.io, "S040", "cannot connect to \(location)\(host.map { " (host \($0))" } ?? ""): \(Self.tidy(reason))",
                             help: Self.connectHelp(reason))
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr: the core never prints.
        funnel_PQsetNoticeProcessor(c, { _, _ in }, nil)
        connection = c
    }

    var isOpen: Bool { connection.map { funnel_PQstatus($0) == CONNECTION_OK } ?? false }

    /// Runs one statement with text parameters (nil = NULL) or binary ones, returning its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [Parameter] = [], binaryResult: Bool = false) throws(Failure) -> PostgresRows {
        guard let c = connection else { throw Failure(state: "", message: "not connected", connectionLost: true) }
        let count = Int32(parameters.count)
        // All values in one buffer, so one pointer stays valid for the whole call.
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for p in parameters {
            switch p {
            case .null:
                offsets.append(nil); lengths.append(0); formats.append(0)
            case .text(let t):
                offsets.append(storage.count); storage.append(contentsOf: t.utf8); storage.append(0)
                lengths.append(0); formats.append(0)
            case .bytes(let b):
                offsets.append(storage.count); storage.append(contentsOf: b)
                lengths.append(Int32(b.count)); formats.append(1)
            }
        }
        if storage.isEmpty { storage.append(0) }
        let result: OpaquePointer? = storage.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let base = chars.baseAddress
                let pointers: [UnsafePointer<CChar>?] = offsets.map { offset -> UnsafePointer<CChar>? in
                    guard let offset, let base else { return nil }
                    return UnsafePointer(base + offset)
                }
                return funnel_PQexecParams(c, sql, count, nil, pointers, lengths, formats, binaryResult ? 1 : 0)
            }
        }
        guard let result else { throw failure(nil) }
        let status = funnel_PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { funnel_PQclear(result) }
            throw failure(result)
        }
        return PostgresRows(result)
    }

    /// Best effort, for cleaning up after a failure: the error that mattered is already known.
    func rollbackQuietly() {
        guard let c = connection, funnel_PQstatus(c) == CONNECTION_OK else { return }
        if let r = funnel_PQexec(c, "ROLLBACK") { funnel_PQclear(r) }
    }

    enum Parameter {
        case null
        case text(String)
        case bytes([UInt8])
    }

    private func failure(_ result: OpaquePointer?) -> Failure {
        var state = ""
        var message = ""
        if let result {
            if let s = funnel_PQresultErrorField(result, Int32(UInt8(ascii: "C"))) { state = String(cString: s) }
            if let m = funnel_PQresultErrorField(result, Int32(UInt8(ascii: "M"))) { message = String(cString: m) }
        }
        let lost = connection.map { funnel_PQstatus($0) != CONNECTION_OK } ?? true
        if message.isEmpty, let c = connection { message = Self.tidy(String(cString: funnel_PQerrorMessage(c))) }
        return Failure(state: state, message: mask(message), connectionLost: lost || state.hasPrefix("08") || state == "57P01")
    }

    private func mask(_ text: String) -> String {
        var text = StoreAddress.maskingPasswords(in: text)
        for p in passwords { text = text.replacing(p, with: "***") }
        return text
    }

    /// libpq's messages end in a newline and may run over several lines; one line reads better.
    static func tidy(_ message: String) -> String {
        message.split(whereSeparator: { $0 == "\n" }).map { $0.trimmingPrefix(while: { $0 == "\t" || $0 == " " }) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

/// A statement's rows, read as text (or as bytes for a binary result) and freed with it.
final class PostgresRows {
    private let result: OpaquePointer
    let count: Int

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(funnel_PQntuples(result))
    }

    deinit { funnel_PQclear(result) }

    func isNull(_ row: Int, _ column: Int) -> Bool { funnel_PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String {
        String(cString: funnel_PQgetvalue(result, Int32(row), Int32(column)))
    }

    func int64(_ row: Int, _ column: Int) -> Int64? { Int64(text(row, column)) }

    func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        let n = Int(funnel_PQgetlength(result, Int32(row), Int32(column)))
        guard n > 0, let p = funnel_PQgetvalue(result, Int32(row), Int32(column)) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    /// The value's bytes in place, without a String, for parsing a journal payload.
    func withBytes<R>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let n = Int(funnel_PQgetlength(result, Int32(row), Int32(column)))
        guard let p = funnel_PQgetvalue(result, Int32(row), Int32(column)) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return p.withMemoryRebound(to: UInt8.self, capacity: max(n, 1)) { body(UnsafeBufferPointer(start: $0, count: n)) }
    }
}
