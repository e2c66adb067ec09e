#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An import mapping compiled against a file's header: it turns each CSV record into the named
/// values of the mapping, so `import deals`, `import history` and `import leads` share one
/// meaning of a mapping.
///
/// - `target = NAME` takes the column NAME; `target = "Column With Spaces"` (a string alone)
///   takes that column. Such plain items expose the cell's bytes, so typed fields are read
///   without making Strings.
/// - Any other expression runs over the record: bare names are columns, string literals are
///   text, `column("Any Header")` names a column inside a bigger expression, and
///   `TABLE[KEY].COLUMN` looks up a reference table. A lookup with a key the table lacks is a
///   row problem, not an empty value: an import must not quietly lose a team or a price.
///
/// - `where EXPR` (the import's `filter`) runs over the record the same way; a row it does not
///   keep is left out before any of its problems count.
///
/// Unknown columns are found before any row is read (`ImportChecks.checkColumns`, run by the
/// resolver and again when the file is opened), with the file's columns in the message.
///
/// No field can hold a NUL byte: a NUL in a cell that a field or expression reads is a row
/// problem; in a column the mapping does not read, it is harmless.
public final class RecordMapping {
    public struct Item {
        public let target: String
        /// `entered STAGE = ...`: the stage, and `target` is the stage name too.
        public let enteredStage: String?
        /// The file's column for a plain column item; nil for an expression.
        public let column: Int?
        /// What messages call the value: the column for a plain item, else the target.
        public let label: String
        public let range: SourceRange
        let eval: ExprCompiler.Eval?
    }

    public let items: [Item]
    public let file: ImportFile
    let cursor = RecordCursor()
    let filter: ExprCompiler.Predicate?
    /// Rows `where` left out.
    public private(set) var skippedByFilter = 0

    public init(_ mapping: [MappingItem], file: ImportFile, state: FunnelState, today: Int32, script: SourceFile,
                conversion: FieldConversion, filter: Expr? = nil) throws {
        self.file = file
        let cursor = self.cursor
        let names: (String, SourceRange) throws -> ExprCompiler.Eval = { name, range in
            let c = try file.column(named: name, range: range)
            return { _ in cursor.text(c) }
        }
        let lookup: (String, @escaping ExprCompiler.Eval, String, SourceRange) throws -> ExprCompiler.Eval = { table, key, column, range in
            let (t, c) = try ReferenceTable.resolve(table: table, column: column, state: state, file: script, range: range)
            let rows = t.rowOfKey, values = t.values[c]
            return { r in
                guard let k = ReferenceTable.keyText(key(r)) else { return .null }
                guard let row = rows[k] else {
                    if cursor.problem == nil { cursor.problem = "table \(table) has no row \(FieldConversion.quote(k))" }
                    return .null
                }
                return values[row]
            }
        }
        var compiler = ExprCompiler(context: EvalContext(state: state, today: today), file: script, names: names, lookup: lookup)
        compiler.conversion = conversion
        compiler.unreadable = { reason in if cursor.problem == nil { cursor.problem = reason } }
        var items: [Item] = []
        for m in mapping {
            let target = m.enteredStage.map { "entered \($0.text)" } ?? m.target.text
            switch m.value.kind {
            case .name(let column), .string(let column):
                let c = try file.column(named: column, range: m.value.range)
                items.append(Item(target: m.target.text, enteredStage: m.enteredStage?.text, column: c, label: column,
                                  range: m.value.range, eval: nil))
            default:
                let eval = try compiler.compile(Self.namingColumns(m.value))
                items.append(Item(target: m.target.text, enteredStage: m.enteredStage?.text, column: nil, label: target,
                                  range: m.value.range, eval: eval))
            }
        }
        self.items = items
        self.filter = try filter.map { try compiler.predicate(Self.namingColumns($0)) }
    }

    /// Whether `where` keeps the loaded record (true without one). A lookup or `number()`
    /// that fails inside it is the row's problem.
    public func keeps() throws(RowProblem) -> Bool {
        guard let filter else { return true }
        cursor.problem = nil
        let kept = filter(0)
        if let p = cursor.problem {
            cursor.problem = nil
            throw RowProblem("where", p)
        }
        if !kept { skippedByFilter += 1 }
        return kept
    }

    /// `column("Deal Name")` becomes the bare name `Deal Name`, which the compiler resolves
    /// to the column like any other name.
    static func namingColumns(_ e: Expr) -> Expr {
        func walk(_ e: Expr) -> Expr {
            var out = e
            switch e.kind {
            case let .call(name, args):
                if name.text.lowercased() == "column", args.count == 1, case .string(let s) = args[0].kind {
                    out.kind = .name(s)
                } else {
                    out.kind = .call(name, args.map(walk))
                }
            case .not(let x): out.kind = .not(walk(x))
            case .negate(let x): out.kind = .negate(walk(x))
            case let .binary(op, l, r): out.kind = .binary(op, walk(l), walk(r))
            case let .isEmpty(x, negated): out.kind = .isEmpty(walk(x), negated: negated)
            case let .inList(x, items, negated): out.kind = .inList(walk(x), items.map(walk), negated: negated)
            case .list(let items): out.kind = .list(items.map(walk))
            case let .member(x, part): out.kind = .member(walk(x), part)
            case let .lookup(table, key, column): out.kind = .lookup(table: table, key: walk(key), column: column)
            default: break
            }
            return out
        }
        return walk(e)
    }

    /// Makes `record` the one the items read, until the next call.
    public func load(_ record: CSVRecord) { cursor.record = record }

    /// The index of the item for `target` (`entered` items are not found by their stage).
    public func index(of target: String) -> Int? {
        items.firstIndex { $0.target == target && $0.enteredStage == nil }
    }

    /// The cell of a plain column item, straight from the reader's buffer; nil for an
    /// expression item.
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let c = items[i].column, let r = cursor.record else { return nil }
        return r.bytes(c)
    }

    /// A plain column item's cell, refusing a NUL byte, which no field can hold.
    public func checkedBytes(_ i: Int) throws(RowProblem) -> UnsafeBufferPointer<UInt8>? {
        guard let b = bytes(i) else { return nil }
        if let k = RecordCursor.nul(in: b) { throw RowProblem(items[i].label, RecordCursor.nulReason(b, at: k)) }
        return b
    }

    /// Item `i`'s value for the loaded record: a cell's text (empty cells are empty), or the
    /// expression's result. Throws a lookup that found no row.
    public func value(_ i: Int) throws(RowProblem) -> Value {
        let item = items[i]
        if item.column != nil, let b = try checkedBytes(i) {
            return b.isEmpty ? .null : .text(String(decoding: b, as: UTF8.self))
        }
        guard let eval = item.eval else { return .null }
        cursor.problem = nil
        let v = eval(0)
        if let p = cursor.problem {
            cursor.problem = nil
            throw RowProblem(item.label, p)
        }
        return v
    }

    /// Item `i` converted to a field type, reading a plain column's bytes directly.
    public func value(_ i: Int, as type: FieldType, _ conversion: FieldConversion) throws(RowProblem) -> Value {
        if let b = try checkedBytes(i) { return try conversion.convert(bytes: b, to: type, label: items[i].label) }
        return try conversion.convert(try value(i), to: type, label: items[i].label)
    }

    /// Item `i` as text with surrounding spaces removed, nil when empty: how ids, stage
    /// values and keys are read.
    public func trimmedText(_ i: Int) throws(RowProblem) -> String? {
        if let b = try checkedBytes(i) {
            let t = b.trimmingBlanks()
            return t.isEmpty ? nil : String(decoding: t, as: UTF8.self)
        }
        let v = try value(i)
        guard let text = ReferenceTable.keyText(v) else { return nil }
        let t = text.trimmingSpaces()
        return t.isEmpty ? nil : t
    }
}

/// The record a mapping's compiled expressions read. Kept apart from `RecordMapping` so the
/// closures that capture it do not keep the mapping alive through itself.
final class RecordCursor {
    var record: CSVRecord?
    /// The first problem while evaluating one item: a lookup with no row, text that
    /// `number()` or `date()` cannot read.
    var problem: String?

    func text(_ column: Int) -> Value {
        guard let r = record, !r.isEmpty(column) else { return .null }
        let b = r.bytes(column)
        if let k = Self.nul(in: b) {
            if problem == nil { problem = Self.nulReason(b, at: k) }
            return .null
        }
        return .text(r.field(column))
    }

    /// Where the first NUL byte of a cell is, if it has one (memchr: this runs on every cell).
    static func nul(in b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = b.baseAddress, !b.isEmpty, let hit = memchr(base, 0, b.count) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    static func nulReason(_ b: UnsafeBufferPointer<UInt8>, at k: Int) -> String {
        let before = String(decoding: UnsafeBufferPointer(rebasing: b[..<k]), as: UTF8.self)
        return "a NUL byte after \(FieldConversion.quote(before)); no field can hold one"
    }
}
