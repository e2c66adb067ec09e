import FunnelCore

extension Session {
    /// `funnel check FILE...`: compile and lint each file in order, with the declarations of
    /// the store and of the files before it — as `funnel run` would see them, with exactly
    /// the errors it would give. Design warnings alone leave the exit code at 0.
    public func check(_ paths: [String]) -> Int32 {
        var catalog = committed.catalog
        var status = ExitStatus.success
        for path in paths { status = max(status, check(path, catalog: &catalog)) }
        return status
    }

    func check(_ path: String, catalog: inout Catalog) -> Int32 {
        let source: SourceFile
        do { source = try ScriptFile.load(path) } catch let d as Diagnostic {
            report([d])
            return d.exitCode
        } catch { return ExitStatus.io }
        let program: CheckedProgram
        switch Compiler.compile(source, catalog: catalog, importFiles: importHeaders) {
        case .failure(let f):
            // Name and type errors fail the check as they fail a run; the design is still
            // worth a look, so its warnings come too.
            // W004 (a rule that can never fire) would repeat the resolver's unknown-stage error.
            let warnings = f.catalog.map { Lint.warnings(f.statements, file: source, catalog: $0) }?.filter { $0.code != "W004" } ?? []
            report(f.diagnostics + warnings, unlisted: f.unlisted)
            if let c = f.catalog { catalog = c }
            return f.exitCode
        case .success(let p):
            program = p
        }
        // A redeclaration that would strand deals or values fails the run; say so now, on
        // the store's deals as they are.
        let refusals = Interpreter(state: committed, today: options.today).redeclarationProblems(program.statements, file: source)
        let warnings = program.warnings + Lint.warnings(program.statements.map(\.statement), file: source, catalog: program.catalog)
        catalog = program.catalog
        report(refusals + warnings)
        if !refusals.isEmpty { return ExitStatus.statementFailed }
        if !options.quiet {
            let n = program.statements.count
            out.line("\(path): \(n) statement\(n == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
            out.flush()
        }
        return ExitStatus.success
    }
}
