#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A column of fixed-width values that is either an array of its own or a run of a mapped
/// snapshot file used where it lies (docs/store.md, "The snapshot"). A store opened from its
/// snapshot does not copy, check or even touch a deal column until a statement reads it: a
/// forecast reads six of the fifteen. The first read of such a column checks it (its
/// section's checksum and its values) and then reads the file's bytes in place; should the
/// check fail, the column comes from replaying the journal instead (`ColumnSource`), so a
/// damaged snapshot costs time, never figures.
///
/// A value like an array: changing a column first gives it values of its own (a copy of
/// the mapped run), so a change never reaches the file or another copy.
public struct Column<Element: BitwiseCopyable & Sendable>: Sendable {
    private var storage: ColumnStorage<Element>

    public init() { storage = ColumnStorage(owned: []) }

    public init(_ values: [Element]) { storage = ColumnStorage(owned: values) }

    public init<S: Sequence>(_ values: S) where S.Element == Element { storage = ColumnStorage(owned: Array(values)) }

    public init(repeating value: Element, count: Int) { storage = ColumnStorage(owned: Array(repeating: value, count: count)) }

    /// A column of `count` values that `source` gives on first read.
    init(count: Int, source: ColumnSource<Element>) { storage = ColumnStorage(count: count, source: source) }

    /// The values as an array (a copy of a mapped run).
    public var array: [Element] { storage.values() }

    /// Whether the values are still where the snapshot put them, unread: for tests.
    public var isUnread: Bool { storage.source != nil }

    /// Whether the values are read from a mapped file in place: for tests.
    public var isMapped: Bool { storage.mapped != nil }

    /// Reads the values now, if they are still to be read.
    public func read() { if storage.source != nil { storage.resolve() } }

    private mutating func makeOwned() {
        if !isKnownUniquelyReferenced(&storage) || storage.mapped != nil || storage.source != nil {
            storage = ColumnStorage(owned: storage.values())
        }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        let s = storage
        if s.source != nil { s.resolve() }
        if let m = s.mapped { return try body(UnsafeBufferPointer(start: m, count: s.mappedCount)) }
        return try s.owned.withUnsafeBufferPointer(body)
    }
}

extension Column: RandomAccessCollection, MutableCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public var count: Int { storage.count }
    public var indices: Range<Int> { 0..<storage.count }
    @inline(__always) public func index(after i: Int) -> Int { i + 1 }
    @inline(__always) public func index(before i: Int) -> Int { i - 1 }

    @inline(__always) public subscript(i: Int) -> Element {
        get {
            // Through `storage` each time rather than a local copy of it, which would cost a
            // retain and a release on every value a query reads.
            if let m = storage.mapped {
                precondition(UInt(bitPattern: i) < UInt(bitPattern: storage.mappedCount), "Index out of range")
                return m[i]
            }
            if _slowPath(storage.source != nil) { return storage.resolvedValue(at: i) }
            return storage.owned[i]
        }
        set {
            makeOwned()
            storage.owned[i] = newValue
        }
    }

    public subscript(bounds: Range<Int>) -> Slice<Column<Element>> {
        get { Slice(base: self, bounds: bounds) }
        set {
            for (k, v) in zip(bounds, newValue) { self[k] = v }
        }
    }
}

extension Column: RangeReplaceableCollection {
    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == Element {
        makeOwned()
        storage.owned.replaceSubrange(subrange, with: newElements)
    }

    public mutating func reserveCapacity(_ n: Int) {
        makeOwned()
        storage.owned.reserveCapacity(n)
    }

    public mutating func append(_ v: Element) {
        makeOwned()
        storage.owned.append(v)
    }

    public mutating func append<S: Sequence>(contentsOf values: S) where S.Element == Element {
        makeOwned()
        storage.owned.append(contentsOf: values)
    }
}

extension Column: ExpressibleByArrayLiteral {
    public init(arrayLiteral values: Element...) { self.init(values) }
}

extension Column: Equatable where Element: Equatable {
    public static func == (a: Column, b: Column) -> Bool { a.count == b.count && a.elementsEqual(b) }
}

extension Column: CustomStringConvertible {
    public var description: String { array.description }
}

/// Where a column's values are: an array of its own, a run of a mapping (kept alive by
/// `owner`), or still unread with the source that gives them.
final class ColumnStorage<Element: BitwiseCopyable & Sendable>: @unchecked Sendable {
    // Reads of these are on every row a query scans; only this file touches them.
    @exclusivity(unchecked) var owned: [Element]
    @exclusivity(unchecked) var mapped: UnsafePointer<Element>?
    @exclusivity(unchecked) var mappedCount = 0
    @exclusivity(unchecked) var source: ColumnSource<Element>?
    private var owner: AnyObject?

    init(owned: [Element]) { self.owned = owned }

    init(count: Int, source: ColumnSource<Element>) {
        owned = []
        mappedCount = count
        self.source = source
    }

    var count: Int { mapped != nil || source != nil ? mappedCount : owned.count }

    func values() -> [Element] {
        if source != nil { resolve() }
        if let m = mapped { return Array(UnsafeBufferPointer(start: m, count: mappedCount)) }
        return owned
    }

    @inline(never) func resolvedValue(at i: Int) -> Element {
        resolve()
        if let m = mapped {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: mappedCount), "Index out of range")
            return m[i]
        }
        return owned[i]
    }

    /// Takes the values from the source, once: a state may be read from two threads.
    @inline(never) func resolve() {
        ColumnSource<Element>.lock.withLock {
            guard let s = source else { return }
            switch s.load() {
            case let .mapped(run, owner):
                precondition(run.count == mappedCount, "a column source gave another number of values")
                self.owner = owner
                mapped = run.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment)
            case let .values(values):
                precondition(values.count == mappedCount, "a column source gave another number of values")
                owned = values
            }
            source = nil
        }
    }
}

/// What gives an unread column its values, once, on first read. It cannot fail: a source
/// whose mapped run fails its checks gives the values from elsewhere (the journal).
final class ColumnSource<Element: BitwiseCopyable & Sendable>: Sendable {
    enum Values: @unchecked Sendable {
        /// A checked run of a mapping, used in place; `owner` keeps the mapping alive.
        case mapped(UnsafeBufferPointer<Element>, owner: AnyObject)
        case values([Element])
    }

    let load: @Sendable () -> Values

    init(_ load: @escaping @Sendable () -> Values) { self.load = load }

    static var lock: ColumnLock { ColumnLock.shared }
}

/// The one lock under which unread columns are read: reading a column is rare (once per
/// column per process) and may itself read others (the journal fallback), so one
/// recursive lock is simplest.
final class ColumnLock: @unchecked Sendable {
    static let shared = ColumnLock()
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    private init() {
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
