/// Converts what a mapping produced (a cell's text, or an expression's value) to the type of
/// the field it is assigned to, honouring the import's `decimal ","` and `date format`.
/// Empty cells become empty values; anything that does not read as the field's type is a
/// `RowProblem` quoting it, never a guess.
public struct FieldConversion: Sendable {
    public let decimalComma: Bool
    public let dateFormat: DateFormat?

    public init(decimalComma: Bool = false, dateFormat: DateFormat? = nil) {
        self.decimalComma = decimalComma
        self.dateFormat = dateFormat
    }

    public init(_ options: ImportOptions) {
        self.init(decimalComma: options.decimalComma, dateFormat: options.dateFormat.flatMap { DateFormat(pattern: $0) })
    }

    /// Amounts beyond this are refused, as `set deal` refuses them: no sum of real amounts
    /// reaches it, and larger ones lose cents.
    static let maxAmount = 1e15

    /// A value of type `type`, or `.null` for an empty one.
    public func convert(_ v: Value, to type: FieldType, label: String) throws(RowProblem) -> Value {
        switch v {
        case .null: return .null
        case .text(let s):
            if type == .text { return s.allSatisfy({ $0 == " " || $0 == "\t" }) ? .null : .text(s) }
            var t = s
            let result: Result<Value, RowProblem> = t.withUTF8 { b in
                do throws(RowProblem) { return .success(try convert(bytes: b, to: type, label: label)) } catch { return .failure(error) }
            }
            return try result.get()
        case .number(let n):
            switch type {
            case .number: return try checkedAmount(n, label: label)
            case .money: return try checkedMoney(n, label: label)
            case .percent: return try checkedPercent(n, text: ValueFormatter.machine(v), label: label)
            case .text: return .text(ValueFormatter.machine(v))
            case .date, .bool: throw RowProblem(label, "\(ValueFormatter.machine(v)) is a number, not \(type == .date ? "a date" : "true or false")")
            }
        case .money(let m):
            switch type {
            case .money:
                guard m.storableCents != nil else { throw RowProblem(label, "\(m.plain) is out of range (amounts are up to 999,999,999,999,999.99)") }
                return .money(m)
            case .number: return try checkedAmount(m.double, label: label)
            case .percent: return try checkedPercent(m.double, text: m.plain, label: label)
            case .text: return .text(m.plain)
            case .date, .bool: throw RowProblem(label, "\(m.plain) is an amount, not \(type == .date ? "a date" : "true or false")")
            }
        case .date(let d):
            switch type {
            case .date: return .date(d)
            case .text: return .text(Calendar.format(d))
            default: throw RowProblem(label, "\(Calendar.format(d)) is a date, not \(Self.article(type))")
            }
        case .bool(let b):
            switch type {
            case .bool: return .bool(b)
            case .text: return .text(b ? "true" : "false")
            default: throw RowProblem(label, "\(b) is true or false, not \(Self.article(type))")
            }
        case .list:
            throw RowProblem(label, "a list cannot be stored in a field")
        }
    }

    /// The cell's bytes as `type`: numbers and dates are read without making a String, which
    /// is what keeps a million-row import fast.
    public func convert(bytes b: UnsafeBufferPointer<UInt8>, to type: FieldType, label: String) throws(RowProblem) -> Value {
        if Self.isBlank(b) { return .null }
        switch type {
        case .text:
            return .text(String(decoding: b, as: UTF8.self))
        case .number:
            guard let n = ValueParsing.number(b, decimalComma: decimalComma) else {
                throw RowProblem(label, "\(Self.quote(b)) is not a number")
            }
            return try checkedAmount(n, label: label)
        case .money:
            if let m = ValueParsing.money(b, decimalComma: decimalComma) { return .money(m) }
            guard ValueParsing.number(b, decimalComma: decimalComma) != nil else {
                throw RowProblem(label, "\(Self.quote(b)) is not a number")
            }
            throw RowProblem(label, "\(Self.quote(b)) is out of range (amounts are up to 999,999,999,999,999.99)")
        case .percent:
            guard let n = ValueParsing.number(b, decimalComma: decimalComma) else {
                throw RowProblem(label, "\(Self.quote(b)) is not a percentage")
            }
            return try checkedPercent(n, text: Self.quote(b), label: label)
        case .date:
            return .date(try date(bytes: b, label: label))
        case .bool:
            guard let v = ValueParsing.bool(b) else {
                throw RowProblem(label, "\(Self.quote(b)) is not true or false (true/false, yes/no, y/n, 1/0, 是/否, 对/错, 有/无)")
            }
            return .bool(v)
        }
    }

    /// A date cell: the declared format first, then an ISO date or timestamp, which is never
    /// ambiguous, so a file that mixes the two still reads the same.
    public func date(bytes b: UnsafeBufferPointer<UInt8>, label: String) throws(RowProblem) -> Int32 {
        if let dateFormat, let d = ValueParsing.date(b, format: dateFormat) { return d }
        if let d = ValueParsing.date(b) { return d }
        if Self.looksISO(b) { throw RowProblem(label, "\(Self.quote(b)) is not a valid date") }
        throw RowProblem(label, "\(Self.quote(b)) is not a date" + (dateFormat.map { " in the format \($0.pattern)" } ?? "; declare its format, like date format \"MM/dd/yyyy\""))
    }

    /// A date from a mapped value, empty giving nil.
    public func date(_ v: Value, label: String) throws(RowProblem) -> Int32? {
        switch try convert(v, to: .date, label: label) {
        case .date(let d): return d
        default: return nil
        }
    }

    func checkedAmount(_ n: Double, label: String) throws(RowProblem) -> Value {
        guard n.isFinite, abs(n) < Self.maxAmount else { throw RowProblem(label, "\(ValueFormatter.machine(.number(n))) is out of range") }
        return .number(n)
    }

    /// A number that becomes an amount: through its shortest digits, rounded to cents.
    func checkedMoney(_ n: Double, label: String) throws(RowProblem) -> Value {
        guard let m = Money(n), m.storableCents != nil else { throw RowProblem(label, "\(ValueFormatter.machine(.number(n))) is out of range") }
        return .money(m)
    }

    func checkedPercent(_ n: Double, text: String, label: String) throws(RowProblem) -> Value {
        guard n.isFinite, (0...1).contains(n) else {
            throw RowProblem(label, "\(text) is not between 0% and 100% (for whole percents write number(COLUMN) / 100)")
        }
        return .number(n)
    }

    /// `2026-02-30`: the shape of an ISO date, so the day itself is what is wrong.
    static func looksISO(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let t = b.trimmingBlanks()
        guard t.count >= 10 else { return false }
        for (i, c) in t.prefix(10).enumerated() {
            if i == 4 || i == 7 { if c != UInt8(ascii: "-") { return false } } else if c &- 48 >= 10 { return false }
        }
        return true
    }

    static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where c != 0x20 && c != 0x09 { return false }
        return true
    }

    /// A cell quoted for a message, shortened so one odd cell cannot flood the report.
    static func quote(_ b: UnsafeBufferPointer<UInt8>) -> String {
        quote(String(decoding: b, as: UTF8.self))
    }

    static func quote(_ s: String) -> String {
        let short = s.count > 40 ? String(s.prefix(40)) + "…" : s
        var out = "\""
        for c in short.unicodeScalars {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    static func article(_ t: FieldType) -> String {
        switch t {
        case .text: return "text"
        case .number: return "a number"
        case .money: return "an amount"
        case .percent: return "a percentage"
        case .date: return "a date"
        case .bool: return "true or false"
        }
    }
}
