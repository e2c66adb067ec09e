/// What every import reads its file with, whatever it imports (deals, history in either
/// shape, a table, leads, people, quotas): the state as it stands, the day the import takes
/// for undated changes, the script (for messages), the statement's options, the host's files
/// and the conversion of cells those options set. One value, made once per import statement
/// (Statements/Interpreter+Import.swift), so the importers open, map and convert alike.
struct ImportContext {
    let state: FunnelState
    let today: Int32
    let script: SourceFile
    let options: ImportOptions
    let source: any ImportSource
    let conversion: FieldConversion

    init(state: FunnelState, today: Int32, script: SourceFile, options: ImportOptions, source: any ImportSource) {
        self.state = state; self.today = today; self.script = script; self.options = options; self.source = source
        conversion = FieldConversion(options)
    }

    /// The import's file, opened through the host's source, its header read.
    func open(_ kind: ImportKind, _ fileExpr: Expr, mapping: [MappingItem]) throws -> ImportFile {
        try ImportFile.open(kind, fileExpr, mapping: mapping, options: options, script: script, source: source)
    }

    /// The mapping compiled against the file's header, with the statement's `where`.
    func mapping(_ items: [MappingItem], file: ImportFile) throws -> RecordMapping {
        try RecordMapping(items, file: file, state: state, today: today, script: script, conversion: conversion,
                          filter: options.filter)
    }
}

/// An importer of one kind: it reads through its `ImportContext`.
protocol Importer {
    var context: ImportContext { get }
}

extension Importer {
    var state: FunnelState { context.state }
    var today: Int32 { context.today }
    var script: SourceFile { context.script }
    var options: ImportOptions { context.options }
    var conversion: FieldConversion { context.conversion }
}

/// What an import of rows reports besides what it read: the rows that cannot be imported
/// (the one row-error report, `ImportErrors`, which names the file) and the rows its `where`
/// left out.
protocol ImportOutcome {
    var errors: ImportErrors { get }
    var skippedByFilter: Int { get }
}

extension ImportOutcome {
    /// The file as the script names it.
    var fileName: String { errors.fileName }
}
