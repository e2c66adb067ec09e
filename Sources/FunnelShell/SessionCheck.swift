import FunnelCore

extension Session {
    /// `funnel check FILE...`: parse, resolve and lint each file in order, with the
    /// declarations of the store and of the files before it — as `funnel run` would see
    /// them. Prints every problem; design warnings alone leave the exit code at 0.
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
        let parsed = Parser.parse(source)
        if !parsed.diagnostics.isEmpty {
            report(parsed.diagnostics, unlisted: parsed.unlistedErrors)
            return ExitStatus.syntax
        }
        var resolver = Resolver(catalog: catalog, file: source)
        resolver.lenientRuleStages = true
        for s in parsed.statements { resolver.resolve(s) }
        let errors = resolver.diagnostics
        let warnings = Lint.warnings(parsed.statements, file: source, catalog: resolver.catalog)
        catalog = resolver.catalog
        report(errors + warnings)
        if !errors.isEmpty { return ExitStatus.syntax }
        if !options.quiet {
            out.line("\(path): \(parsed.statements.count) statement\(parsed.statements.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
            out.flush()
        }
        return ExitStatus.success
    }
}
