import Foundation
import FunnelFuzzing

#if FUZZING
/// libFuzzer's driver (scripts/fuzz builds with -sanitize=fuzzer -DFUZZING). SwiftPM makes the
/// executable's `main` this module's own, so libFuzzer's main is not linked in: the driver is
/// started here instead, with the command line as libFuzzer reads it.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in
            FuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }
}
#else
/// Without libFuzzer: runs each file named on the command line through the target, so a
/// crashing input found by scripts/fuzz can be replayed under a debugger.
@main
struct FuzzReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzTarget.run([UInt8](data))
        }
        print("ran \(CommandLine.arguments.count - 1) input(s)")
    }
}
#endif
