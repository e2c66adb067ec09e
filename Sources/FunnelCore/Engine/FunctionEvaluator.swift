/// Runs the functions of `Functions` on values.
enum FunctionEvaluator {
    static func compile(_ name: String, _ args: [ExprCompiler.Eval], file: SourceFile, range: SourceRange) throws -> ExprCompiler.Eval {
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
                case .text(let s): return Double(s.trimmingSpaces()).flatMap { $0.isFinite ? Value.number($0) : nil } ?? .null
                default: return .null
                }
            }
        case "date":
            let a = arg(0)
            return { r in
                switch a(r) {
                case .date(let d): return .date(d)
                case .text(let s): return Calendar.parseISO(s.trimmingSpaces()).map { .date($0) } ?? .null
                default: return .null
                }
            }
        case "round":
            let a = arg(0), digits = arg(1)
            return { r in
                guard let x = a(r).number else { return .null }
                let n = min(max(Int(digits(r).number ?? 0), 0), 10)
                var scale = 1.0
                for _ in 0..<n { scale *= 10 }
                return .number((x * scale).rounded() / scale)
            }
        case "abs": let a = arg(0); return { r in a(r).number.map { .number(Swift.abs($0)) } ?? .null }
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
