/// `import` and `export`.
extension Parser {
    /// import-statement := "import" import-source { import-option } [ "(" mapping ")" ] { import-option }
    /// (options and the mapping may start on the lines that follow)
    /// import-source := "deals" "from" STRING "into" name [ "as" "snapshot" ]
    ///                | "table" name "from" STRING "key" name
    ///                | "history" "from" STRING
    ///                | "leads" "from" STRING | "people" "from" STRING | "quotas" "from" STRING
    mutating func parseImport() throws -> StatementKind {
        try expect("import")
        let kind: ImportKind
        let file: Expr
        var snapshotImport = false
        if accept("deals") {
            file = try parseFileName()
            try expect("into", "'into' and a funnel name")
            kind = .deals(funnel: try parseName("a funnel name"))
            if accept("as") {
                try expect("snapshot", "'snapshot' (as snapshot: open deals missing from the file are removed)")
                snapshotImport = true
            }
        } else if accept("table") {
            let name = try parseName("a table name")
            file = try parseFileName()
            try expect("key", "'key' and the column that identifies a row")
            kind = .table(name: name, key: try parseName("a column name"))
        } else if accept("history") {
            file = try parseFileName()
            kind = .history
        } else if accept("leads") {
            file = try parseFileName()
            kind = .leads
        } else if accept("people") {
            file = try parseFileName()
            kind = .people
        } else if accept("quotas") {
            file = try parseFileName()
            kind = .quotas
        } else {
            throw unexpected(expected: "deals, table, history, leads, people or quotas")
        }
        var options = ImportOptions()
        options.snapshot = snapshotImport
        var mapping: [MappingItem] = []
        while true {
            if try parseImportOption(&options) { continue }
            if current.isSymbol("(") {
                guard mapping.isEmpty else { throw unexpected(expected: "end of statement") }
                mapping = try parseMapping()
                continue
            }
            if current.isNewline {
                // Options and the mapping may go on the next lines; no statement starts with them.
                let next = peekPastNewlines()
                if next.isSymbol("(") && mapping.isEmpty { skipNewlines(); continue }
                if let w = next.keyword, ["stages", "fields", "skip", "without", "delimiter", "decimal", "date", "encoding", "where", "on"].contains(w) {
                    skipNewlines(); continue
                }
            }
            break
        }
        return .importData(kind: kind, file: file, mapping: mapping, options: options)
    }

    /// from-file := "from" STRING
    mutating func parseFileName() throws -> Expr {
        try expect("from", "'from' and a file name")
        let t = current
        guard case .string(let s) = t.kind else { throw unexpected(expected: "a file name in quotes") }
        guard !s.isEmpty else {
            throw Diagnostic(.syntax, "E111", "the file name is empty", file: file, range: t.range,
                             help: "write the path of a CSV file, like \"data/deals.csv\"")
        }
        advance()
        return Expr(.string(s), t.range)
    }

    /// import-option := "skip" "errors" | "without" "rules" | "delimiter" STRING
    ///                | "decimal" STRING | "date" "format" STRING | "encoding" STRING
    ///                | "where" expr | "on" expr
    ///                | "stages" "(" STRING "=" name { "," STRING "=" name } ")"
    ///                | "fields" "(" STRING "=" name { "," STRING "=" name } ")"
    mutating func parseImportOption(_ o: inout ImportOptions) throws -> Bool {
        if o.encoding == nil, accept("encoding") {
            o.encoding = try parseString("an encoding in quotes, like \"gbk\" or \"windows-1252\"")
            return true
        }
        if o.filter == nil, accept("where") {
            o.filter = try parseExpression()
            return true
        }
        if o.on == nil, accept("on") {
            o.on = try parseExpression()
            return true
        }
        if accept("skip") { try expect("errors"); o.skipErrors = true; return true }
        if accept("without") { try expect("rules"); o.withoutRules = true; return true }
        if accept("delimiter") {
            let t = current
            let d = try parseString("a delimiter in quotes, like \";\" or \"\\t\"")
            guard d.utf8.count == 1 else {
                throw Diagnostic(.syntax, "E106", "a delimiter is one character", file: file, range: t.range)
            }
            o.delimiter = d
            return true
        }
        if accept("decimal") {
            let t = current
            let d = try parseString("\",\" or \".\"")
            guard d == "," || d == "." else {
                throw Diagnostic(.syntax, "E106", "the decimal mark is \",\" or \".\"", file: file, range: t.range)
            }
            o.decimalComma = d == ","
            return true
        }
        if check("date"), token(at: 1).isKeyword("format") {
            advance(); advance()
            o.dateFormat = try parseString("a date format in quotes, like \"MM/dd/yyyy\"")
            return true
        }
        if accept("stages") {
            try expectSymbol("(")
            repeat {
                let from = try parseString("the stage value as it is in the file, in quotes")
                try expectSymbol("=")
                o.stageMap.append((from, try parseName("a stage name")))
            } while acceptSymbol(",")
            try expectSymbol(")")
            return true
        }
        if o.fieldMap.isEmpty, accept("fields") {
            try expectSymbol("(")
            repeat {
                let from = try parseString("the field as the file names it, in quotes")
                try expectSymbol("=")
                o.fieldMap.append((from, try parseName("a field name")))
            } while acceptSymbol(",")
            try expectSymbol(")")
            return true
        }
        return false
    }

    /// mapping := "(" mapping-item { "," mapping-item } [ "," ] ")"
    /// mapping-item := [ "entered" ] name "=" expr
    mutating func parseMapping() throws -> [MappingItem] {
        try expectSymbol("(")
        var items: [MappingItem] = []
        while !current.isSymbol(")") {
            var entered: Identifier?
            var target: Identifier
            if check("entered"), !token(at: 1).isSymbol("=") {
                advance()
                target = try parseName("a stage name")
                entered = target
            } else {
                target = try parseName("a field name")
            }
            try expectSymbol("=", "'=' (field = column)")
            items.append(MappingItem(target: target, enteredStage: entered, value: try parseExpression()))
            if !acceptSymbol(",") { break }
        }
        try expectSymbol(")", "',' or ')'")
        return items
    }

    /// export-statement := "export" ( "deals" | "history" | "leads" | "tasks" | "notifications" )
    ///                     [ "where" expr ] [ "show" expr-list ] "to" STRING [ "bom" | "no" "bom" ]
    mutating func parseExport() throws -> StatementKind {
        try expect("export")
        guard let w = current.keyword, let kind = ExportKind(rawValue: w) else {
            throw unexpected(expected: "deals, history, leads, tasks or notifications")
        }
        advance()
        var filter: Expr?
        var columns: [Expr]?
        while true {
            if current.isNewline, ["where", "show", "to"].contains(peekPastNewlines().keyword ?? "") { skipNewlines() }
            if filter == nil, accept("where") { skipNewlines(); filter = try parseExpression(); continue }
            if columns == nil, accept("show") { columns = try parseExpressionList(); continue }
            break
        }
        try expect("to", "'to' and a file name")
        let t = current
        guard case .string(let s) = t.kind else { throw unexpected(expected: "a file name in quotes") }
        advance()
        // A .csv file gets a byte order mark when it has non-ASCII text unless told.
        var bom: Bool?
        if accept("bom") { bom = true } else if current.isKeyword("no"), token(at: 1).isKeyword("bom") { advance(); advance(); bom = false }
        return .export(kind: kind, filter: filter, columns: columns, file: Expr(.string(s), t.range), bom: bom)
    }
}
