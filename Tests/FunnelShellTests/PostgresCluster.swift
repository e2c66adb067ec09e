import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL server for the tests: `initdb` into a temporary folder, `pg_ctl start`
/// listening only on a unix socket in that folder, stopped when the test process ends.
/// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (the
/// folder is handed to it); the tests connect over the socket as the superuser `postgres`.
///
/// Without PostgreSQL the tests that need it are skipped, with one line saying so; with
/// CI=true they run and fail instead, so CI cannot pass without really running them.
final class PostgresCluster: @unchecked Sendable {
    let folder: String
    let socketFolder: String
    private let binaries: String
    private var database = 0
    private let lock = NSLock()

    /// Where initdb and pg_ctl are: Debian keeps them off PATH, in /usr/lib/postgresql/N/bin.
    static let binaries: String? = {
        let fm = FileManager.default
        if let versions = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                let dir = "/usr/lib/postgresql/\(v)/bin"
                if fm.isExecutableFile(atPath: dir + "/initdb") { return dir }
            }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where fm.isExecutableFile(atPath: dir + "/initdb") {
            return String(dir)
        }
        return nil
    }()

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether the PostgreSQL tests run: the server is installed, or CI insists.
    static let enabled: Bool = {
        if binaries != nil || inCI { return true }
        FileHandle.standardError.write(Data("postgres: initdb not found; the PostgreSQL store tests are skipped (scripts/bootstrap installs postgresql)\n".utf8))
        return false
    }()

    /// The cluster most tests share, each in its own database.
    static let shared: Result<PostgresCluster, Error> = Result { try PostgresCluster() }

    static func sharedCluster() throws -> PostgresCluster { try shared.get() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    nonisolated(unsafe) private static var started: [PostgresCluster] = []
    private static let registry = NSLock()

    /// The TCP port of a cluster started with TLS (`tls: true`); nil: unix socket only.
    private(set) var tlsPort: Int?

    /// `tls`: the server also listens on 127.0.0.1 and accepts TCP connections only with TLS,
    /// with a server certificate for `localhost` signed by a certificate authority made for
    /// it (`folder/ca.crt`; `folder/other-ca.crt` is one that signed nothing).
    init(tls: Bool = false) throws {
        guard let binaries = Self.binaries else {
            throw Failure(description: "PostgreSQL is not installed (initdb not found); run scripts/bootstrap")
        }
        self.binaries = binaries
        // /tmp, not $TMPDIR: the server user must reach the folder, and a socket path is short.
        folder = "/tmp/funnel-pg-\(UUID().uuidString.prefix(8))"
        socketFolder = folder + "/socket"
        try FileManager.default.createDirectory(atPath: socketFolder, withIntermediateDirectories: true)
        if getuid() == 0 {
            try Self.shell(["chown", "-R", "postgres:postgres", folder])
        }
        chmod(folder, 0o755)
        chmod(socketFolder, 0o755)
        try asServerUser([binaries + "/initdb", "-D", folder + "/data", "-U", "postgres", "--auth=trust", "--no-sync",
                          "-E", "UTF8", "--locale=C"])
        if tls { try makeCertificates() }
        try start()
        Self.registry.lock()
        if Self.started.isEmpty { atexit { PostgresCluster.stopAll() } }
        Self.started.append(self)
        Self.registry.unlock()
    }

    func start() throws {
        let listen = tlsPort.map { "-c listen_addresses=127.0.0.1 -p \($0) -c ssl=on" } ?? "-c listen_addresses=''"
        try asServerUser([binaries + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60",
                          "-o", "-k \(socketFolder) \(listen) -c fsync=off -c max_connections=60", "start"])
    }

    /// A CA, a server certificate for localhost signed by it, a second CA, and a pg_hba.conf
    /// that takes TCP connections only over TLS (a plain one is rejected by the server).
    private func makeCertificates() throws {
        let data = folder + "/data"
        func openssl(_ arguments: [String]) throws { try Self.shell(["/usr/bin/env", "openssl"] + arguments) }
        for ca in ["ca", "other-ca"] {
            try openssl(["req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=funnel test \(ca)",
                         "-newkey", "rsa:2048", "-keyout", folder + "/\(ca).key", "-out", folder + "/\(ca).crt"])
        }
        try openssl(["req", "-new", "-nodes", "-subj", "/CN=localhost", "-newkey", "rsa:2048",
                     "-keyout", data + "/server.key", "-out", folder + "/server.csr"])
        try Data("subjectAltName=DNS:localhost\n".utf8).write(to: URL(fileURLWithPath: folder + "/san.ext"))
        try openssl(["x509", "-req", "-days", "2", "-in", folder + "/server.csr", "-CA", folder + "/ca.crt", "-CAkey", folder + "/ca.key",
                     "-CAcreateserial", "-extfile", folder + "/san.ext", "-out", data + "/server.crt"])
        try Data("""
            local all all trust
            hostnossl all all 127.0.0.1/32 reject
            hostssl all all 127.0.0.1/32 trust
            """.utf8).write(to: URL(fileURLWithPath: data + "/pg_hba.conf"))
        if getuid() == 0 { try Self.shell(["chown", "-R", "postgres:postgres", folder]) }
        chmod(data + "/server.key", 0o600)
        for f in ["/ca.crt", "/other-ca.crt"] { chmod(folder + f, 0o644) }
        tlsPort = try Self.freePort()
    }

    /// A local TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A URL over TCP to `database` on a TLS cluster, with `query` (sslmode and the like).
    func tlsURL(_ database: String, _ query: String) -> String {
        "postgresql://postgres@localhost:\(tlsPort ?? 0)/\(database)?\(query)"
    }

    /// Stops the server as an administrator would (open sessions are ended).
    func stop() throws {
        try asServerUser([binaries + "/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "stop"])
    }

    static func stopAll() {
        registry.lock()
        let all = started
        registry.unlock()
        for c in all {
            try? c.stop()
            try? FileManager.default.removeItem(atPath: c.folder)
        }
    }

    /// A URL to a database of its own, created empty.
    func newDatabase() throws -> String {
        lock.lock()
        database += 1
        let name = "t\(database)_\(getpid())"
        lock.unlock()
        try psql("postgres", "CREATE DATABASE \(name)")
        return url(name)
    }

    func url(_ database: String, user: String = "postgres") -> String {
        let host = socketFolder.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketFolder
        return "postgresql://\(user)@\(host)/\(database)"
    }

    /// Runs SQL as the superuser and returns psql's unaligned output.
    @discardableResult
    func psql(_ database: String, _ sql: String) throws -> String {
        // The socket's name holds the port: a TLS cluster listens on its own.
        try Self.shell([binaries + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketFolder, "-U", "postgres",
                        "-d", database, "-c", sql] + (tlsPort.map { ["-p", String($0)] } ?? []))
    }

    private func asServerUser(_ command: [String]) throws {
        if getuid() == 0 {
            try Self.shell(["runuser", "-u", "postgres", "--"] + command)
        } else {
            try Self.shell(command)
        }
    }

    /// Runs a command and waits for it with posix_spawn and waitpid: `pg_ctl start` leaves a
    /// server behind that keeps the output file open, and the command must still count as done.
    @discardableResult
    static func shell(_ command: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-pg-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The server pg_ctl starts outlives the test run's other children: it must hold
        // none of their pipes or terminals.
        FunnelProcess.closeInheritedDescriptors(&actions)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env"] + command).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Failure(description: "\(command.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }
}
