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
    private var table: [Key: Int32]
    private var built: Bool
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ table: [Key: Int32]?) {
        self.table = table ?? [:]
        built = table != nil
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The index, built from `keys` (row i holds keys[i]) if it is not yet.
    func table<Keys: Collection>(keys: () -> Keys) -> [Key: Int32] where Keys.Element == Key {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        buildLocked(keys)
        return table
    }

    private func buildLocked<Keys: Collection>(_ keys: () -> Keys) where Keys.Element == Key {
        if built { return }
        var t: [Key: Int32] = [:]
        let k = keys()
        t.reserveCapacity(k.count)
        for (i, key) in k.enumerated() { t[key] = Int32(i) }
        table = t
        built = true
    }

    /// The row of `key`, under one lock (a statement looks ids up by the thousand): from the
    /// index when it is built; `scan` true, and no row, when the caller may scan the keys
    /// instead (as `mayScan`); else from the index built from `keys` first.
    func row<Keys: Collection>(of key: Key, scanLimit: Int, keys: () -> Keys) -> (row: Int32?, scan: Bool) where Keys.Element == Key {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if !built && scans < scanLimit {
            scans += 1
            return (nil, true)
        }
        buildLocked(keys)
        return (table[key], false)
    }

    /// Whether the owner may change this index in place: it is built, and the caller has
    /// checked with `isKnownUniquelyReferenced` that no copy shares it. Otherwise the owner
    /// replaces it with `LazyIndex(old.table(keys:))` first. Read without the lock: an index
    /// no copy shares is on no other thread, and this is asked for every string interned.
    var isBuiltAndOwned: Bool { built }

    /// Lookups answered by a scan so far (`mayScan`).
    private var scans = 0

    /// Whether one more lookup may scan the keys instead of building the index: the first
    /// `limit` of an index not built. A statement on a store of a million deals looks up one
    /// or two ids; building the index for them hashed a million strings (half a second).
    func mayScan(limit: Int) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !built, scans < limit else { return false }
        scans += 1
        return true
    }

    /// The index if it is built, without building it.
    var ifBuilt: [Key: Int32]? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return built ? table : nil
    }

    /// Only on a built index owned alone (see `isBuiltAndOwned`).
    func row(of key: Key) -> Int32? { table[key] }

    /// Sets `key`'s row; false (and nothing changed) when the key has one already. Only on
    /// a built index owned alone.
    func insert(_ key: Key, row: Int32) -> Bool { rowOrInsert(key, row: row) == row }

    /// `key`'s row, or `row` after setting it when the key has none (`row` must be one no key
    /// has): one hash of the key where a lookup and an insert would take two or three. Only
    /// on a built index owned alone.
    func rowOrInsert(_ key: Key, row: Int32) -> Int32 {
        func read(_ v: inout Int32) -> Int32 { v }
        return read(&table[key, default: row])
    }

    func reserve(_ n: Int) { table.reserveCapacity(n) }
}
