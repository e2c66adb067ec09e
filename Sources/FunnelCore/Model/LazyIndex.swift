#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash index from the values of a column to their rows, built on first use: a store
/// opened from its snapshot has a million deal ids and names, and a forecast looks none of
/// them up (docs/store.md, "The snapshot"). Copies of the owning struct share one index
/// until one of them changes it (`unique`), as a Dictionary would; building is under a
/// lock because copies may be read on several threads.
final class LazyIndex<Key: Hashable>: @unchecked Sendable {
    private var table: [Key: Int32]?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ table: [Key: Int32]?) {
        self.table = table
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The index, built from `keys` (row i holds keys[i]) if it is not yet.
    func table(keys: () -> [Key]) -> [Key: Int32] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let table { return table }
        var t: [Key: Int32] = [:]
        let k = keys()
        t.reserveCapacity(k.count)
        for (i, key) in k.enumerated() { t[key] = Int32(i) }
        table = t
        return t
    }

    /// Whether the owner may change this index in place: it is built, and the caller has
    /// checked with `isKnownUniquelyReferenced` that no copy shares it. Otherwise the owner
    /// replaces it with `LazyIndex(old.table(keys:))` first.
    var isBuilt: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return table != nil
    }

    /// Only on a built index owned alone (see `isBuilt`).
    func row(of key: Key) -> Int32? { table?[key] }

    /// Sets `key`'s row; false (and nothing changed) when the key has one already. Only on
    /// a built index owned alone.
    func insert(_ key: Key, row: Int32) -> Bool {
        if table?[key] != nil { return false }
        table?[key] = row
        return true
    }

    func reserve(_ n: Int) { table?.reserveCapacity(n) }
}
