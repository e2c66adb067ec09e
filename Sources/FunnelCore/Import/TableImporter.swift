/// `import table NAME from FILE key COLUMN`: every column of the file, rows found by the key.
/// Importing a table again under the same name replaces it. A row with an empty key, or a key
/// an earlier row already has, is a row problem: a lookup must never have to choose.
struct TableImporter: Importer {
    let context: ImportContext

    struct Outcome: ImportOutcome {
        var table: ReferenceTable
        var errors: ImportErrors
        var skippedByFilter: Int
    }

    func run(name: Identifier, key: Identifier, file fileExpr: Expr) throws -> Outcome {
        let file = try context.open(.table(name: name, key: key), fileExpr, mapping: [])
        let columns = file.header
        let keyColumn = try file.column(named: key.text, range: key.range)
        let rows = try context.mapping([], file: file)
        var cells = [[String?]](repeating: [], count: columns.count)
        var lineOfKey: [String: Int] = [:]
        var errors = ImportErrors(fileName: file.name)
        while let record = try file.next() {
            rows.load(record)
            do throws(RowProblem) { if try !rows.keeps() { continue } } catch { errors.add(line: record.line, [error]); continue }
            if let extra = file.extraFields(record.count) {
                errors.add(line: record.line, [extra])
                continue
            }
            let k = record.field(keyColumn).trimmingSpaces()
            if k.isEmpty {
                errors.add(line: record.line, [RowProblem(key.text, "the key is empty")])
                continue
            }
            if let line = lineOfKey[k] {
                errors.add(line: record.line, [RowProblem(key.text, "\(FieldConversion.quote(k)) is also on line \(line)")])
                continue
            }
            lineOfKey[k] = record.line
            for c in columns.indices {
                if c == keyColumn { cells[c].append(k) } else { cells[c].append(record.isEmpty(c) ? nil : record.field(c)) }
            }
        }
        try file.checkHasRows()
        var types: [ReferenceTable.ColumnType] = []
        var values: [[Value]] = []
        for (c, column) in cells.enumerated() {
            let (type, typed) = c == keyColumn ? (.text, column.map { $0.map(Value.text) ?? .null }) : Self.infer(column, conversion)
            types.append(type)
            values.append(typed)
        }
        return Outcome(table: ReferenceTable(name: name.text, key: key.text, columns: columns, types: types, values: values),
                       errors: errors, skippedByFilter: rows.skippedByFilter)
    }

    /// Numbers if every non-empty cell reads as one, else dates if every one reads as a
    /// date, else text. An all-empty column is text.
    static func infer(_ cells: [String?], _ conversion: FieldConversion) -> (ReferenceTable.ColumnType, [Value]) {
        let filled = cells.compactMap { $0 }.filter { !$0.trimmingSpaces().isEmpty }
        if !filled.isEmpty {
            let numbers = cells.map { c in c.flatMap { ValueParsing.number($0, decimalComma: conversion.decimalComma) } }
            if zip(cells, numbers).allSatisfy({ c, n in n != nil || (c ?? "").trimmingSpaces().isEmpty }) {
                return (.number, numbers.map { $0.map(Value.number) ?? .null })
            }
            let dates = cells.map { c -> Int32? in
                guard let c else { return nil }
                if let f = conversion.dateFormat, let d = ValueParsing.date(c, format: f) { return d }
                return ValueParsing.date(c)
            }
            if zip(cells, dates).allSatisfy({ c, d in d != nil || (c ?? "").trimmingSpaces().isEmpty }) {
                return (.date, dates.map { $0.map(Value.date) ?? .null })
            }
        }
        return (.text, cells.map { c in c.flatMap { $0.trimmingSpaces().isEmpty ? nil : Value.text($0) } ?? .null })
    }
}
