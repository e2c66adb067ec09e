#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A part of the state that a store opened from its snapshot reads only when something
/// uses it: a forecast never looks at the stage history, which is the largest section of a
/// snapshot (docs/store.md, "The snapshot"), so it is neither checked, copied nor kept in
/// memory for one. Reading it is the loader's business and cannot fail here: the loader
/// falls back to rebuilding the part from the journal (SnapshotCache.swift).
///
/// Copies of a state share a pending load and its result; the first change through
/// `value` takes the loaded value as the copy's own, so copies never see each other's
/// changes, as with any value.
public struct Deferred<T: Sendable>: Sendable {
    private var own: T
    private var pending: Load?

    public init(_ value: T) { own = value }

    /// A value `load` produces when first used, or `fallback` when `load` fails;
    /// `placeholder` is never shown.
    init(placeholder: T, load: @escaping @Sendable () throws -> T, fallback: @escaping @Sendable () -> T) {
        own = placeholder
        pending = Load(load, fallback: fallback)
    }

    /// Loads the value now, without the fallback: a failure is the caller's to handle
    /// (opening a store then replays its journal instead).
    public mutating func load() throws {
        guard let p = pending else { return }
        own = try p.valueWithoutFallback()
        pending = nil
    }

    /// Whether the value is in memory (it is, unless it came from a snapshot unread).
    public var isLoaded: Bool { pending == nil }

    public var value: T {
        get { pending?.value() ?? own }
        _modify {
            if let p = pending {
                own = p.value()
                pending = nil
            }
            yield &own
        }
        set {
            own = newValue
            pending = nil
        }
    }

    /// Runs the load once for every copy that shares it.
    final class Load: Sendable {
        private let load: @Sendable () throws -> T
        private let fallback: @Sendable () -> T
        private let once = Once<T>()

        init(_ load: @escaping @Sendable () throws -> T, fallback: @escaping @Sendable () -> T) {
            self.load = load
            self.fallback = fallback
        }

        func value() -> T { once.value { (try? load()) ?? fallback() } }

        func valueWithoutFallback() throws -> T { try once.value(load) }
    }
}

/// A value made once, on first use, under a lock, since a state may be read from two
/// threads: the parts a snapshot defers (Deferred) and the journal events before it
/// (FunnelState.LogPrefix). A make that throws leaves it unmade, to be tried again.
final class Once<T>: @unchecked Sendable {
    private var made: T?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func value(_ make: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let made { return made }
        let v = try make()
        made = v
        return v
    }
}
