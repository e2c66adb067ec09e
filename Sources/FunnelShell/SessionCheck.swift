import FunnelCore

extension Session {
    /// `funnel check FILE`: parse, resolve against the store's declarations, lint. Prints
    /// every problem; design warnings alone leave the exit code at 0.
    public func check(_ path: String) -> Int32 {
        let source: SourceFile
        do { source = try ScriptFile.load(path) } catch let d as Diagnostic {
            report([d])
            return d.exitCode
        } catch { return ExitStatus.io }
        let parsed = Parser.parse(source)
        if !parsed.diagnostics.isEmpty {
            report(parsed.diagnostics)
            return ExitStatus.syntax
        }
        var resolver = Resolver(catalog: committed.catalog, file: source)
        resolver.lenientRuleStages = true
        for s in parsed.statements { resolver.resolve(s) }
        let errors = resolver.diagnostics
        let warnings = Lint.warnings(parsed.statements, file: source, catalog: resolver.catalog)
        report(errors + warnings)
        if !errors.isEmpty { return ExitStatus.syntax }
        if !options.quiet {
            out.line("\(path): \(parsed.statements.count) statement\(parsed.statements.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
            out.flush()
        }
        return ExitStatus.success
    }
}
