/// What one import does to the store, as columns: the content of its segment. The importer
/// builds it against the current state, `FunnelState.applyImport` applies it, and the segment
/// codec below stores it, so a live import and a replay apply the very same data.
public enum ImportPayload: Sendable, Equatable {
    case deals(DealBatch)
    case table(ReferenceTable)

    static let dealsKind: UInt8 = 1
    static let tableKind: UInt8 = 2
}

/// Rows of `import deals` (created or updated) or `import history` (histories replaced).
public struct DealBatch: Sendable, Equatable {
    /// The funnel new deals go into; empty for `import history`, which creates none.
    public var funnel: String
    /// `import history`: each row's entries replace the deal's whole stage history.
    public var replacesHistory: Bool
    /// The batch's own dictionary for stage names, text values and forced reasons.
    public var strings: [String]
    public var ids: [String]
    /// Per row: the day created, `Empty.date` to keep an existing deal's.
    public var created: [Int32]
    /// Per row: the day a won or lost deal closed, `Empty.date` to take it from its history,
    /// `noClosedDate` for a deal whose file gave an empty closed cell (it has none).
    public var closed: [Int32]
    public static let noClosedDate: Int32 = Int32.min + 1
    public var fields: [BatchField]
    /// Stage changes to append, grouped by row in row order, each row's in date order.
    /// Stage codes index `strings`; `from` is -1 for a deal's first stage, `forced` -1 when
    /// the change was not forced.
    public var entryRow: [Int32] = []
    public var entryDay: [Int32] = []
    public var entryFrom: [Int32] = []
    public var entryTo: [Int32] = []
    public var entryForced: [Int32] = []
    /// `import history` with field columns: one entry per change row, grouped by row in row
    /// order, each row's in the order they took effect; `changeFields` hold one value per
    /// entry for each mapped field (empty: the row does not give that field).
    public var changeRow: [Int32] = []
    public var changeDay: [Int32] = []
    public var changeFields: [BatchField] = []
    /// Id to row, when the importer built it for a batch that fills an empty store: the
    /// store then takes it as its index of ids instead of hashing every id again. Not stored.
    public var idIndex: [String: Int32]?
    /// The row of each id in the state the importer read, when every id names a deal there
    /// (`import history`): applying the batch to that state then looks no id up. Not stored.
    public var rowsInState: [Int32]?

    public init(funnel: String, replacesHistory: Bool, strings: [String], ids: [String], created: [Int32], closed: [Int32],
                fields: [BatchField]) {
        self.funnel = funnel; self.replacesHistory = replacesHistory; self.strings = strings; self.ids = ids
        self.created = created; self.closed = closed; self.fields = fields
    }

    public var count: Int { ids.count }
    public var entryCount: Int { entryRow.count }

    public static func == (a: DealBatch, b: DealBatch) -> Bool {
        a.funnel == b.funnel && a.replacesHistory == b.replacesHistory && a.strings == b.strings && a.ids == b.ids
            && a.created == b.created && a.closed == b.closed && a.fields == b.fields && a.entryRow == b.entryRow
            && a.entryDay == b.entryDay && a.entryFrom == b.entryFrom && a.entryTo == b.entryTo && a.entryForced == b.entryForced
            && a.changeRow == b.changeRow && a.changeDay == b.changeDay && a.changeFields == b.changeFields
    }

    /// Room for `n` more stage changes, so millions of them are appended without regrowing.
    mutating func reserveEntries(_ n: Int) {
        entryRow.reserveCapacity(entryRow.count + n); entryDay.reserveCapacity(entryDay.count + n)
        entryFrom.reserveCapacity(entryFrom.count + n); entryTo.reserveCapacity(entryTo.count + n)
        entryForced.reserveCapacity(entryForced.count + n)
    }

    mutating func addEntry(row: Int, day: Int32, from: Int32, to: Int32, forced: Int32 = -1) {
        entryRow.append(Int32(row)); entryDay.append(day); entryFrom.append(from); entryTo.append(to); entryForced.append(forced)
    }
}

/// One imported field: a value per row. Empty values clear the field, since the file says
/// it is empty now.
public struct BatchField: Sendable, Equatable {
    public var name: String
    public var column: BatchColumn
    public init(name: String, column: BatchColumn) { self.name = name; self.column = column }
}

public enum BatchColumn: Sendable, Equatable {
    /// Codes into the batch's strings, -1 for empty.
    case text([Int32])
    /// NaN for empty.
    case number([Double])
    /// `Empty.date` for empty.
    case date([Int32])
    /// 0 false, 1 true, 2 empty.
    case bool([UInt8])
    /// Amounts in cents (`amount` and declared `money` fields), `Empty.money` for empty.
    /// Segments written before amounts were exact hold them as `.number`.
    case money([Int64])

    var tag: UInt8 {
        switch self { case .text: return 1; case .number: return 2; case .date: return 3; case .bool: return 4; case .money: return 5 }
    }

    var count: Int {
        switch self {
        case .text(let c), .date(let c): return c.count
        case .number(let c): return c.count
        case .bool(let c): return c.count
        case .money(let c): return c.count
        }
    }
}

// MARK: - Segment codec

extension ImportPayload {
    static func write(_ f: BatchField, to w: inout SegmentWriter) {
        w.string(f.name)
        w.u8(f.column.tag)
        switch f.column {
        case .text(let c), .date(let c): w.raw(c)
        case .number(let c): w.doubles(c)
        case .bool(let c): w.raw(c)
        case .money(let c): w.raw(c)
        }
    }

    static func readField(_ r: inout SegmentReader, count n: Int, strings: Int) throws -> BatchField {
        let fieldName = try r.string()
        let column: BatchColumn
        switch try r.u8() {
        case 1: column = .text(try r.column(Int32.self, count: n))
        case 2:
            let c = try r.doubles()
            guard c.count == n else { throw r.damaged("a column has \(c.count) values for \(n) rows") }
            column = .number(c)
        case 3: column = .date(try r.column(Int32.self, count: n))
        case 4: column = .bool(try r.column(UInt8.self, count: n))
        case 5:
            let c = try r.column(Int64.self, count: n)
            guard c.allSatisfy({ $0 == Empty.money || Money(storableCents: $0) != nil }) else {
                throw r.damaged("field \(fieldName) holds an amount outside the range")
            }
            column = .money(c)
        default: throw r.damaged("field \(fieldName) has an unknown type")
        }
        if case .text(let codes) = column, codes.contains(where: { $0 < -1 || $0 >= Int32(strings) }) {
            throw r.damaged("field \(fieldName) refers to text it does not hold")
        }
        return BatchField(name: fieldName, column: column)
    }

    public func encode() -> [UInt8] {
        switch self {
        case .deals(let b):
            let textBytes = (b.ids.first?.utf8.count ?? 8) + 12
            var w = SegmentWriter(kind: Self.dealsKind, capacity: 4096 + b.count * (textBytes + 8 + 8 * b.fields.count) + b.entryCount * 20
                                  + b.strings.reduce(0) { $0 + $1.utf8.count + 4 })
            w.string(b.funnel)
            w.u8(b.replacesHistory ? 1 : 0)
            w.strings(b.strings)
            w.strings(b.ids)
            w.raw(b.created)
            w.raw(b.closed)
            w.int(b.fields.count)
            for f in b.fields { Self.write(f, to: &w) }
            w.raw(b.entryRow); w.raw(b.entryDay); w.raw(b.entryFrom); w.raw(b.entryTo); w.raw(b.entryForced)
            // Field changes follow only when there are some, so older segments read as before.
            if !b.changeRow.isEmpty {
                w.raw(b.changeRow); w.raw(b.changeDay)
                w.int(b.changeFields.count)
                for f in b.changeFields { Self.write(f, to: &w) }
            }
            return w.bytes
        case .table(let t):
            var w = SegmentWriter(kind: Self.tableKind)
            w.string(t.name)
            w.string(t.key)
            w.strings(t.columns)
            w.int(t.rowCount)
            for (c, type) in t.types.enumerated() {
                w.u8(type.rawValue)
                let values = t.values[c]
                switch type {
                case .text:
                    var interner = [String: Int32]()
                    var strings: [String] = []
                    let codes: [Int32] = values.map { v in
                        guard case .text(let s) = v else { return -1 }
                        if let code = interner[s] { return code }
                        let code = Int32(strings.count)
                        interner[s] = code
                        strings.append(s)
                        return code
                    }
                    w.strings(strings)
                    w.raw(codes)
                case .number: w.doubles(values.map { $0.number ?? Empty.number })
                case .date: w.raw(values.map { $0.date ?? Empty.date })
                }
            }
            return w.bytes
        }
    }

    /// Decodes a segment; `name` is for messages. Throws S021 for anything inconsistent.
    public static func decode(_ bytes: [UInt8], name: String) throws -> ImportPayload {
        guard bytes.count > Segment.magic.count else { throw SegmentReader.damage(name, "it is too short") }
        switch bytes[Segment.magic.count] {
        case dealsKind: return .deals(try decodeDeals(bytes, name: name))
        case tableKind: return .table(try decodeTable(bytes, name: name))
        default: throw SegmentReader.damage(name, "it holds an unknown kind of data")
        }
    }

    static func decodeDeals(_ bytes: [UInt8], name: String) throws -> DealBatch {
        var r = try SegmentReader(bytes, name: name, kind: dealsKind)
        let funnel = try r.string()
        let replaces = try r.u8() == 1
        let strings = try r.strings()
        let ids = try r.strings()
        let n = ids.count
        var b = DealBatch(funnel: funnel, replacesHistory: replaces, strings: strings, ids: ids,
                          created: try r.column(Int32.self, count: n), closed: try r.column(Int32.self, count: n), fields: [])
        let fieldCount = try r.int()
        for _ in 0..<fieldCount {
            b.fields.append(try readField(&r, count: n, strings: strings.count))
        }
        b.entryRow = try r.raw(Int32.self)
        let e = b.entryRow.count
        b.entryDay = try r.column(Int32.self, count: e)
        b.entryFrom = try r.column(Int32.self, count: e)
        b.entryTo = try r.column(Int32.self, count: e)
        b.entryForced = try r.column(Int32.self, count: e)
        if r.at < bytes.count {
            b.changeRow = try r.raw(Int32.self)
            let c = b.changeRow.count
            b.changeDay = try r.column(Int32.self, count: c)
            let fieldCount = try r.int()
            guard fieldCount >= 0, fieldCount < 10_000 else { throw r.damaged("it has \(fieldCount) changed fields") }
            for _ in 0..<fieldCount { b.changeFields.append(try readField(&r, count: c, strings: strings.count)) }
            guard b.changeRow.allSatisfy({ $0 >= 0 && $0 < Int32(n) }), !b.changeDay.contains(Empty.date) else {
                throw r.damaged("a field change refers to data it does not hold")
            }
        }
        try r.expectEnd()
        let s = Int32(strings.count)
        for k in 0..<e {
            guard b.entryRow[k] >= 0, b.entryRow[k] < Int32(n), b.entryTo[k] >= 0, b.entryTo[k] < s,
                  b.entryFrom[k] >= -1, b.entryFrom[k] < s, b.entryForced[k] >= -1, b.entryForced[k] < s,
                  b.entryDay[k] != Empty.date else {
                throw r.damaged("stage change \(k + 1) refers to data it does not hold")
            }
        }
        return b
    }

    static func decodeTable(_ bytes: [UInt8], name: String) throws -> ReferenceTable {
        var r = try SegmentReader(bytes, name: name, kind: tableKind)
        let tableName = try r.string()
        let key = try r.string()
        let columns = try r.strings()
        let rows = try r.int()
        var types: [ReferenceTable.ColumnType] = []
        var values: [[Value]] = []
        for _ in columns {
            guard let type = ReferenceTable.ColumnType(rawValue: try r.u8()) else { throw r.damaged("a column has an unknown type") }
            types.append(type)
            switch type {
            case .text:
                let strings = try r.strings()
                let codes = try r.column(Int32.self, count: rows)
                var column: [Value] = []
                column.reserveCapacity(rows)
                for c in codes {
                    guard c >= -1, c < Int32(strings.count) else { throw r.damaged("a text column refers to text it does not hold") }
                    column.append(c < 0 ? .null : .text(strings[Int(c)]))
                }
                values.append(column)
            case .number:
                let c = try r.doubles()
                guard c.count == rows else { throw r.damaged("a column has \(c.count) values for \(rows) rows") }
                values.append(c.map { $0.isNaN ? .null : .number($0) })
            case .date:
                values.append(try r.column(Int32.self, count: rows).map { $0 == Empty.date ? .null : .date($0) })
            }
        }
        try r.expectEnd()
        return ReferenceTable(name: tableName, key: key, columns: columns, types: types, values: values)
    }
}

extension SegmentReader {
    static func damage(_ name: String, _ why: String) -> Diagnostic {
        Diagnostic(.io, "S021", "segment \(name) is damaged: \(why)", help: "run `funnel verify`; restore the store's segments folder from a backup")
    }
}
