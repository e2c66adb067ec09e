/// A script that parsed and passed every check against a catalog: the only form the
/// interpreter runs. What the resolver decided is kept here (the query's spec and its
/// `where` split between deals and result rows), so nothing later decides it again.
public struct CheckedProgram: Sendable {
    public let file: SourceFile
    public let statements: [CheckedStatement]
    /// The catalog with the script's own declarations added, as the statements saw it.
    public let catalog: Catalog
    /// The parser's warnings (full-width punctuation read as ASCII), for the caller to show.
    public var warnings: [Diagnostic] = []

    /// Whether running the program records events (the run then takes the writer lock).
    public var writes: Bool { statements.contains { $0.statement.kind.writes } }
    /// Whether the program reads figures: a query, or `chart funnel` and `report`, whose queries
    /// funnel builds itself (the "no store yet" and "today is early" warnings are for these).
    public var hasQuery: Bool {
        statements.contains { s in
            if s.query != nil { return true }
            switch s.statement.kind {
            case .chartFunnel, .report: return true
            default: return false
            }
        }
    }
}

public struct CheckedStatement: Sendable {
    public let statement: Statement
    /// The checked form of a query or `chart QUERY`.
    public var query: CheckedQuery? { checked?.query }
    /// Boxed: a checked query is hundreds of bytes, and a script of 200,000 changes holds
    /// one slot for it per statement while it runs.
    private let checked: Box?

    final class Box: Sendable {
        let query: CheckedQuery
        init(_ query: CheckedQuery) { self.query = query }
    }

    init(statement: Statement, query: CheckedQuery?) {
        self.statement = statement
        self.checked = query.map(Box.init)
    }

    public var range: SourceRange { statement.range }
}

/// A query as the resolver checked it.
public struct CheckedQuery: Sendable {
    public let query: Query
    public let spec: QuerySpec
    /// The `where` conditions that filter deals (or records) before grouping.
    public let dealFilter: Expr?
    /// The `where` conditions on result columns, applied to the result rows.
    public let groupFilter: Expr?

    /// Checks nothing: for the queries funnel builds itself (`chart funnel`, `report`),
    /// whose parts are known to be well formed.
    public init(builtIn query: Query) {
        self.init(query)
    }

    /// The same query on the state of its `as of` day, which is rebuilt first.
    public func withoutAsOf() -> CheckedQuery {
        var q = query
        q.asOf = nil
        return CheckedQuery(q, spec: spec, dealFilter: dealFilter, groupFilter: groupFilter)
    }

    /// The same query with every column (`forecast ... show submitted_commit` adds columns
    /// before it picks them).
    public func withoutShow() -> CheckedQuery {
        var q = query
        q.columns = nil
        return CheckedQuery(q, spec: spec, dealFilter: dealFilter, groupFilter: groupFilter)
    }

    /// The one place a query's `where` is split into its deal and group parts; the
    /// resolver checks each part, and the planner and executor read them from here.
    init(_ query: Query) {
        let split = ResultColumns.splitWhere(query.filter, verb: query.verb)
        self.init(query, spec: query.verb.spec, dealFilter: split.deals, groupFilter: split.groups)
    }

    private init(_ query: Query, spec: QuerySpec, dealFilter: Expr?, groupFilter: Expr?) {
        self.query = query
        self.spec = spec
        self.dealFilter = dealFilter
        self.groupFilter = groupFilter
    }
}

/// Why a script did not become a program: its syntax or name errors, all of them.
public struct CompileFailure: Error, Sendable {
    public let diagnostics: [Diagnostic]
    /// The statements, when the file parsed (the failure is then a name or type error), and
    /// the catalog their declarations made, so `funnel check` can still lint the design.
    public var statements: [Statement] = []
    public var catalog: Catalog?
    /// Errors past the ones kept (the parser keeps the first `Parser.listedErrors`).
    public var unlisted = 0
    /// 74 when a check had to read a file and could not, else 65 (nothing ran).
    public var exitCode: Int32 { diagnostics.contains { $0.kind == .io } ? 74 : 65 }
}

/// The one way from text to a program: parse the whole file, then check every statement in
/// order against the catalog (and the declarations before it). `funnel run`, `-c`, stdin,
/// `.read`, the REPL and `funnel check` all come through here, so they agree on every error.
public enum Compiler {
    /// `importFiles` reads the headers of the files imports name, so their columns are
    /// checked before anything runs too; without it, they are checked when the import runs.
    public static func compile(_ file: SourceFile, catalog: Catalog,
                               importFiles: (any ImportFileColumns)? = nil) -> Result<CheckedProgram, CompileFailure> {
        compile(Parser.parse(file), file: file, catalog: catalog, importFiles: importFiles)
    }

    /// For a caller that parsed already (the REPL parses to learn whether an entry is complete).
    public static func compile(_ parsed: ParseResult, file: SourceFile, catalog: Catalog,
                               importFiles: (any ImportFileColumns)? = nil) -> Result<CheckedProgram, CompileFailure> {
        if !parsed.diagnostics.isEmpty {
            return .failure(CompileFailure(diagnostics: parsed.errorsAndWarnings, unlisted: parsed.unlistedErrors))
        }
        var resolver = Resolver(catalog: catalog, file: file)
        resolver.importFiles = importFiles
        var checked: [CheckedStatement] = []
        for s in parsed.statements {
            resolver.resolve(s)
            checked.append(CheckedStatement(statement: s, query: resolver.checkedQuery))
        }
        if !resolver.diagnostics.isEmpty {
            return .failure(CompileFailure(diagnostics: ParseResult.inFileOrder(resolver.diagnostics + parsed.warnings),
                                           statements: parsed.statements, catalog: resolver.catalog))
        }
        var program = CheckedProgram(file: file, statements: checked, catalog: resolver.catalog)
        program.warnings = parsed.warnings
        return .success(program)
    }

}
