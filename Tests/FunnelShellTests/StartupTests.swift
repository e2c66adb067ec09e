import Foundation
import Testing

/// What every command pays before it does anything: the libraries the executable loads at
/// start. libpq and the twenty libraries it needs are loaded only when a team store is
/// opened (Sources/CLibpq/shim.h), so a command on a file store never loads them; the
/// team store's tests (PostgresStoreTests) show the loaded library works.
struct StartupTests {
    @Test func theExecutableDoesNotLinkLibpq() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
        let status = try FunnelProcess.spawnAndWait(["/usr/bin/env", "readelf", "--dynamic", FunnelProcess.executable.path],
                                                    environment: ProcessInfo.processInfo.environment, cwd: nil, stdin: "/dev/null",
                                                    stdout: outPath, stderr: errPath, timeout: 60)
        #expect(status == 0)
        let out = try String(contentsOfFile: outPath, encoding: .utf8)
        let needed = out.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libswiftCore.so") })
        #expect(!needed.contains { $0.contains("libpq") }, "\(needed)")
    }
}
