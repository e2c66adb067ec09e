#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a `CSVReader`'s records on a second thread, ahead of the importer, so reading the
/// file, checking or converting its encoding and finding its fields (about a quarter of an
/// import's instructions) run on one core while the rows are mapped on the other.
///
/// One thread reads the whole file, in order, and hands over batches of whole records; the
/// importer takes them in the same order. So the records, their lines and every error are
/// exactly the reader's own, whatever the timing: an error (a quote never closed, a byte
/// that does not decode, the file changing while read) comes after the records before it,
/// where the reader alone would have thrown it. At most `batchCount` batches of about
/// `batchBytes` each exist, so memory stays bounded whatever the file's size.
final class CSVPrefetcher: @unchecked Sendable {
    static let batchBytes = 1 << 20
    static let batchRecords = 16384
    static let batchCount = 3

    /// Records copied out of the reader's buffer: their fields' bytes end to end, each
    /// field's start and end in them, and per record its line and first field.
    final class Batch {
        var bytes: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var used = 0
        var spans: UnsafeMutablePointer<UInt32>
        var spanCapacity: Int
        var spanCount = 0
        var lines: [Int] = []
        var firstSpan: [Int] = []
        var fieldCounts: [Int] = []
        /// After the records: the reader's error, or the end of the file.
        var failure: (any Error)?
        var atEnd = false

        init(bytes: Int) {
            capacity = max(bytes, 1)
            self.bytes = .allocate(capacity: capacity)
            spanCapacity = 4096
            spans = .allocate(capacity: spanCapacity)
        }

        deinit {
            bytes.deallocate()
            spans.deallocate()
        }

        var count: Int { lines.count }

        func reset() {
            used = 0
            spanCount = 0
            lines.removeAll(keepingCapacity: true)
            firstSpan.removeAll(keepingCapacity: true)
            fieldCounts.removeAll(keepingCapacity: true)
            failure = nil
            atEnd = false
        }

        func append(_ r: CSVRecord) {
            var size = 0
            for i in 0..<r.count { size += r.bytes(i).count }
            if used + size > capacity { grow(bytes: used + size) }
            if spanCount + 2 * r.count > spanCapacity { grow(spans: spanCount + 2 * r.count) }
            lines.append(r.line)
            firstSpan.append(spanCount)
            fieldCounts.append(r.count)
            for i in 0..<r.count {
                let b = r.bytes(i)
                if let base = b.baseAddress, b.count > 0 { (bytes + used).update(from: base, count: b.count) }
                // Offsets fit: a batch grows past `batchBytes` only by one record, and records
                // are shorter than the reader's limit (at most 1 GiB).
                spans[spanCount] = UInt32(truncatingIfNeeded: used)
                used += b.count
                spans[spanCount + 1] = UInt32(truncatingIfNeeded: used)
                spanCount += 2
            }
        }

        func record(_ k: Int) -> CSVRecord {
            CSVRecord(base: UnsafePointer(bytes), spans: UnsafePointer(spans + firstSpan[k]), line: lines[k], count: fieldCounts[k])
        }

        private func grow(bytes needed: Int) { Self.grow(&bytes, capacity: &capacity, keeping: used, toHold: needed) }

        private func grow(spans needed: Int) { Self.grow(&spans, capacity: &spanCapacity, keeping: spanCount, toHold: needed) }

        /// Moves the first `kept` values of `p` to a buffer at least twice as large that holds `needed`.
        private static func grow<T>(_ p: inout UnsafeMutablePointer<T>, capacity: inout Int, keeping kept: Int, toHold needed: Int) {
            let bigger = max(needed, capacity * 2)
            let q = UnsafeMutablePointer<T>.allocate(capacity: bigger)
            q.update(from: p, count: kept)
            p.deallocate()
            p = q
            capacity = bigger
        }
    }

    private let reader: CSVReader
    private let batchBytes: Int
    private let batchRecords: Int
    /// Guards everything below it; the reader belongs to the reading thread once started.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var free: [Batch] = []
    private var full: [Batch] = []
    private var stopping = false
    private var thread: pthread_t?

    /// The importer's side: the batch it reads and the record it is at.
    private var current: Batch?
    private var next = 0
    private var finished = false

    /// Starts reading `reader` (its header already read) on a new thread. Returns nil when
    /// no thread can be made; the caller then reads on its own thread.
    init?(_ reader: CSVReader, batchBytes: Int = CSVPrefetcher.batchBytes, batchRecords: Int = CSVPrefetcher.batchRecords) {
        self.reader = reader
        self.batchBytes = max(batchBytes, 1)
        self.batchRecords = max(batchRecords, 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        for _ in 0..<Self.batchCount { free.append(Batch(bytes: self.batchBytes)) }
        var t = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Glibc)
        let made = pthread_create(&t, nil, { context in
            guard let context else { return nil }
            Unmanaged<CSVPrefetcher>.fromOpaque(context).takeRetainedValue().readAll()
            return nil
        }, context)
        #else
        let made = pthread_create(&t, nil, { context in
            Unmanaged<CSVPrefetcher>.fromOpaque(context).takeRetainedValue().readAll()
            return nil
        }, context)
        #endif
        guard made == 0 else {
            Unmanaged<CSVPrefetcher>.fromOpaque(context).release()
            return nil
        }
        thread = t
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Stops the reading thread and waits for it: nothing reads the file after this. Must be
    /// called once the records are no longer wanted (the thread holds the prefetcher).
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
    }

    /// The next record, as the reader would return it, or nil at the end; throws the
    /// reader's error where the reader would have thrown it.
    func nextRecord() throws -> CSVRecord? {
        while true {
            if let b = current {
                if next < b.count {
                    next += 1
                    return b.record(next - 1)
                }
                if let failure = b.failure {
                    finished = true
                    throw failure
                }
                if b.atEnd { finished = true }
                if finished { return nil }
                give(b)
                current = nil
            }
            if finished { return nil }
            current = take()
            next = 0
        }
    }

    // MARK: - The queue

    private func take() -> Batch {
        pthread_mutex_lock(mutex)
        while full.isEmpty { pthread_cond_wait(changed, mutex) }
        let b = full.removeFirst()
        pthread_mutex_unlock(mutex)
        return b
    }

    private func give(_ b: Batch) {
        pthread_mutex_lock(mutex)
        free.append(b)
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// The reading thread: fills free batches until the file ends, the reader fails or the
    /// importer stops.
    private func readAll() {
        while true {
            pthread_mutex_lock(mutex)
            while free.isEmpty && !stopping { pthread_cond_wait(changed, mutex) }
            if stopping {
                pthread_mutex_unlock(mutex)
                return
            }
            let b = free.removeLast()
            pthread_mutex_unlock(mutex)

            b.reset()
            do {
                while b.used < batchBytes && b.count < batchRecords {
                    guard let r = try reader.nextRecord() else {
                        b.atEnd = true
                        break
                    }
                    b.append(r)
                }
            } catch {
                b.failure = error
            }
            let last = b.atEnd || b.failure != nil
            pthread_mutex_lock(mutex)
            full.append(b)
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            if last { return }
        }
    }
}
