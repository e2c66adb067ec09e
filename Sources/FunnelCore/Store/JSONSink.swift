/// Where JSON text is written (JSONCoding's writers): a growing array, or a writer's own
/// buffer (`JSONObjectWriter`).
protocol JSONSink: ~Copyable {
    mutating func put(_ byte: UInt8)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension JSONSink where Self: ~Copyable {
    /// Literal text the writer spells out (`null`, `"u00"`).
    mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { put($0) }
    }
}

extension Array: JSONSink where Element == UInt8 {
    mutating func put(_ byte: UInt8) { append(byte) }
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}
