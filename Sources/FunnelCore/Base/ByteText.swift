/// Helpers over a cell's raw bytes, for readers that never make a String of a cell they can
/// decide on without one.
extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes without surrounding spaces and tabs.
    public func trimmingBlanks() -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = count
        while lo < hi, self[lo] == 0x20 || self[lo] == 0x09 { lo += 1 }
        while hi > lo, self[hi - 1] == 0x20 || self[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: self[lo..<hi])
    }
}
