/// Runs the functions of `Functions` on values.
enum FunctionEvaluator {
    static func compile(_ name: String, _ args: [ExprCompiler.Eval], file: SourceFile, range: SourceRange,
                        conversion: FieldConversion = FieldConversion(),
                        unreadable: ((String) -> Void)? = nil) throws -> ExprCompiler.Eval {
        func arg(_ i: Int) -> ExprCompiler.Eval { i < args.count ? args[i] : { _ in .null } }
        switch name {
        case "coalesce":
            return { r in
                for a in args { let v = a(r); if !ExprCompiler.isEmptyValue(v) { return v } }
                return .null
            }
        case "if":
            let c = arg(0), t = arg(1), f = arg(2)
            return { r in c(r) == .bool(true) ? t(r) : f(r) }
        case "lower": let a = arg(0); return { r in a(r).text.map { .text($0.lowercased()) } ?? .null }
        case "upper": let a = arg(0); return { r in a(r).text.map { .text($0.uppercased()) } ?? .null }
        case "trim":
            let a = arg(0)
            return { r in a(r).text.map { .text(String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())) } ?? .null }
        case "text":
            let a = arg(0)
            return { r in
                switch a(r) {
                case .null: return .null
                case .text(let s): return .text(s)
                case .number(let n): return .text(ValueFormatter.machine(.number(n)))
                case .money(let m): return .text(m.plain)
                case .date(let d): return .text(Calendar.format(d))
                case .bool(let b): return .text(b ? "true" : "false")
                case .list: return .null
                }
            }
        case "number":
            let a = arg(0)
            return { r in
                switch a(r) {
                case .number(let n): return .number(n)
                case .money(let m): return .number(m.double)
                case .text(let s):
                    if let n = ValueParsing.number(s, decimalComma: conversion.decimalComma) { return .number(n) }
                    if let unreadable, !s.trimmingSpaces().isEmpty { unreadable("\(FieldConversion.quote(s)) is not a number") }
                    return .null
                default: return .null
                }
            }
        case "date":
            let a = arg(0)
            if args.count > 1 {
                // The format is nearly always a literal: parse it once per distinct text.
                let f = arg(1)
                let formats = FormatCache()
                return { r in
                    switch a(r) {
                    case .date(let d): return .date(d)
                    case .text(let s):
                        guard let pattern = f(r).text, let format = formats.format(pattern) else { return .null }
                        if let d = ValueParsing.date(s, format: format) { return .date(d) }
                        if let unreadable, !s.trimmingSpaces().isEmpty { unreadable("\(FieldConversion.quote(s)) is not a date in the format \(pattern)") }
                        return .null
                    default: return .null
                    }
                }
            }
            let declared = conversion.dateFormat
            return { r in
                switch a(r) {
                case .date(let d): return .date(d)
                case .text(let s):
                    if let declared, let d = ValueParsing.date(s, format: declared) { return .date(d) }
                    if let d = ValueParsing.date(s) { return .date(d) }
                    if let unreadable, !s.trimmingSpaces().isEmpty { unreadable("\(FieldConversion.quote(s)) is not a date") }
                    return .null
                default: return .null
                }
            }
        case "round":
            let a = arg(0), digits = arg(1)
            return { r in
                let v = a(r)
                let n = min(max(Int(digits(r).number ?? 0), 0), 10)
                if case .money(let m) = v {
                    // Exact: to whole cents already, or to 10^(2-n) cents half away from zero.
                    guard n < 2 else { return v }
                    let unit: Int128 = n == 1 ? 10 : 100
                    return Money.divideRounded(m.cents, by: unit).map { .money(Money(cents: $0.cents * unit)) } ?? .null
                }
                guard let x = ExprCompiler.numeric(v) else { return .null }
                var scale = 1.0
                for _ in 0..<n { scale *= 10 }
                return .number((x * scale).rounded() / scale)
            }
        case "abs":
            let a = arg(0)
            return { r in
                let v = a(r)
                if case .money(let m) = v { return .money(Money(cents: Swift.abs(m.cents))) }
                return ExprCompiler.numeric(v).map { .number(Swift.abs($0)) } ?? .null
            }
        default:
            throw Diagnostic(.name, "E205", "unknown function '\(name)'", file: file, range: range)
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// Parsed date formats by pattern, for `date(text, FORMAT)`.
final class FormatCache {
    private var formats: [String: DateFormat?] = [:]
    func format(_ pattern: String) -> DateFormat? {
        if let f = formats[pattern] { return f }
        let f = DateFormat(pattern: pattern)
        formats[pattern] = f
        return f
    }
}
