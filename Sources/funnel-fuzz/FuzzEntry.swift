import Foundation
import FunnelFuzzing

#if FUZZING
/// libFuzzer's entry point (scripts/fuzz builds with -sanitize=fuzzer -DFUZZING).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
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
