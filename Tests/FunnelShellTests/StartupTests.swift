import Foundation
import FunnelShell
import Testing

/// What every command pays before it does anything: the libraries the executable loads at
/// start. The Swift runtime and Foundation are linked into the executable (Package.swift,
/// `-static-stdlib`), so only the system's C libraries are loaded; libpq and the twenty
/// libraries it needs are loaded only when a team store is opened (Sources/CLibpq/shim.h), so
/// a command on a file store never loads them; the team store's tests (PostgresStoreTests)
/// show the loaded library works.
struct StartupTests {
    @Test func theExecutableLoadsOnlyTheSystemsCLibraries() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
        let status = try FunnelProcess.spawnAndWait(["/usr/bin/env", "readelf", "--dynamic", FunnelProcess.executable.path],
                                                    environment: ProcessInfo.processInfo.environment, cwd: nil, stdin: "/dev/null",
                                                    stdout: outPath, stderr: errPath, timeout: 60)
        #expect(status == 0)
        let out = try String(contentsOfFile: outPath, encoding: .utf8)
        let needed = out.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            .compactMap { $0.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
        #expect(needed == ["libreadline.so.8", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2"])
    }

    /// The shell reads its environment without Foundation, and the same as Foundation does.
    @Test func theEnvironmentIsFoundationsEnvironment() {
        #expect(ProcessEnvironment.variables == ProcessInfo.processInfo.environment)
        #expect(ProcessEnvironment.variables["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        #expect(ProcessEnvironment.value("FUNNEL_NO_SUCH_VARIABLE") == nil)
    }
}
