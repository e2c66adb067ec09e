/// An error or warning as a value. The core never prints: callers render these with
/// `DiagnosticRenderer` and map `kind` to an exit code.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning, note }
    /// What went wrong decides the exit code (LANGUAGE.md): syntax and name/type errors are
    /// 65, a failed statement 1, unreadable files or stores 74, bad usage 64.
    public enum Kind: Sendable, Equatable { case syntax, name, type, runtime, io, usage }

    public var severity: Severity
    public var kind: Kind
    public var code: String
    public var message: String
    public var file: SourceFile?
    public var range: SourceRange?
    public var notes: [String]
    public var help: String?
    /// True when the parser ran out of input while the statement still needed more;
    /// the REPL shows a continuation prompt instead of the error.
    public var isIncomplete: Bool

    public init(_ kind: Kind, _ code: String, _ message: String, file: SourceFile? = nil,
                range: SourceRange? = nil, notes: [String] = [], help: String? = nil,
                severity: Severity = .error, isIncomplete: Bool = false) {
        self.kind = kind; self.code = code; self.message = message; self.file = file
        self.range = range; self.notes = notes; self.help = help; self.severity = severity
        self.isIncomplete = isIncomplete
    }

    public var exitCode: Int32 {
        switch kind {
        case .syntax, .name, .type: return 65
        case .runtime: return 1
        case .io: return 74
        case .usage: return 64
        }
    }

    public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
        a.severity == b.severity && a.kind == b.kind && a.code == b.code && a.message == b.message
            && a.range == b.range && a.notes == b.notes && a.help == b.help && a.file?.name == b.file?.name
    }
}

/// A list of diagnostics thrown together, e.g. every syntax error of one file.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var exitCode: Int32 { diagnostics.first(where: { $0.severity == .error })?.exitCode ?? 0 }
}
