/// A CSV file opened for an import statement, the one way every kind of import opens its
/// file: the path resolved against the script's folder (`ImportPath`), the bytes read through
/// the host's `ImportSource` and decoded from the statement's `encoding`, the reader set up
/// with its `delimiter`, the header read, and every failure turned into a diagnostic that
/// points at the file name in the script.
public final class ImportFile {
    /// The file as the script names it; messages use this, not the resolved path.
    public let name: String
    public let path: String
    public let header: [String]
    let reader: CSVReader
    let script: SourceFile
    /// Where the script names the file.
    public let range: SourceRange
    /// Data records read so far.
    public private(set) var records = 0
    /// A guess at the number of records from the file's size alone: real rows are rarely
    /// shorter than 64 bytes, so it errs on the low side.
    public let estimatedRows: Int
    /// The records whose size `projectedRows` is taken from, and their bytes.
    public static let sampleRecords = 1024
    private var sampledBytes = 0
    /// A file this large is read on a second thread (`CSVPrefetcher`); below it, starting a
    /// thread would cost more than it saves.
    static let prefetchBytes = 4 << 20
    private let byteCount: Int
    private var prefetcher: CSVPrefetcher?
    private var started = false

    /// Opens `fileExpr` (a string literal) from `script`'s folder. Throws I001–I005 from the
    /// reader, I010 for a file with no header, I020 for bytes that do not decode.
    public init(_ fileExpr: Expr, options: ImportOptions, script: SourceFile, source: any ImportSource) throws {
        guard case .string(let name) = fileExpr.kind else {
            throw Diagnostic(.syntax, "E112", "the file name must be written in quotes", file: script, range: fileExpr.range)
        }
        self.name = name
        self.path = ImportPath.resolve(name, relativeTo: script)
        self.script = script
        self.range = fileExpr.range
        let delimiter = options.delimiter.flatMap { $0.utf8.first } ?? UInt8(ascii: ",")
        do {
            let input = try source.open(path, name: name)
            byteCount = input.byteCount ?? 0
            estimatedRows = min(byteCount / 64, 1 << 26)
            let encoding = options.encoding.flatMap(TextEncoding.init(name:))
            reader = try CSVReader(input: DecodingInput(input, name: name, encoding: encoding), name: name, delimiter: delimiter)
            guard let header = try reader.readHeader() else {
                throw Diagnostic(.runtime, "I010", "\(name) is empty: it has no header line and no rows",
                                 help: "export the data again; the first line must name the columns")
            }
            // Headers of real exports are short names; control characters or the replacement
            // character mean the file is binary (its first NUL may come later) or not UTF-8.
            if header.contains(where: { h in h.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0xFFFD } }) {
                throw Diagnostic(.io, "I002", "\(name) does not look like a UTF-8 CSV file: its header line has binary or non-UTF-8 bytes",
                                 help: "export the data again as CSV in UTF-8")
            }
            self.header = header
        } catch var d as Diagnostic {
            if d.file == nil { d.file = script; d.range = fileExpr.range }
            throw d
        }
    }

    deinit { prefetcher?.stop() }

    /// A row with more fields than the header: most often the delimiter inside a value that
    /// was not quoted, so the message names the delimiter this file is read with.
    public func extraFields(_ count: Int) -> RowProblem? {
        guard count > header.count else { return nil }
        return RowProblem("", "\(count) fields, but the header has \(header.count); is a \(Self.name(ofDelimiter: reader.delimiter)) missing its quotes?")
    }

    static func name(ofDelimiter d: UInt8) -> String {
        switch d {
        case UInt8(ascii: ","): return "comma"
        case UInt8(ascii: ";"): return "semicolon"
        case UInt8(ascii: "\t"): return "tab"
        case UInt8(ascii: "|"): return "'|'"
        default: return "'\(Character(Unicode.Scalar(d)))'"
        }
    }

    /// Opens the file of an import statement and checks the columns its mapping names
    /// against the header (the checks the resolver made if it could read the file then).
    public static func open(_ kind: ImportKind, _ fileExpr: Expr, mapping: [MappingItem], options: ImportOptions,
                            script: SourceFile, source: any ImportSource) throws -> ImportFile {
        let file = try ImportFile(fileExpr, options: options, script: script, source: source)
        try ImportChecks.checkColumns(kind: kind, mapping: mapping, header: file.header, fileName: file.name,
                                      fileRange: fileExpr.range, file: script)
        if let filter = options.filter {
            for (column, range) in ImportChecks.columnNames(in: filter) { _ = try file.column(named: column, range: range) }
        }
        return file
    }

    /// The next data record, or nil at the end.
    public func next() throws -> CSVRecord? {
        if !started {
            started = true
            if byteCount >= Self.prefetchBytes { prefetcher = CSVPrefetcher(reader) }
        }
        do {
            let r: CSVRecord?
            if let prefetcher { r = try prefetcher.nextRecord() } else { r = try reader.nextRecord() }
            if let r {
                records += 1
                if records <= Self.sampleRecords {
                    sampledBytes += r.count
                    for i in 0..<r.count { sampledBytes += r.bytes(i).count }
                }
            }
            try Cancellation.checkpoint(records)
            return r
        } catch var d as Diagnostic {
            if d.file == nil { d.file = script; d.range = range }
            throw d
        }
    }

    /// The records the whole file likely holds, from the size of the first ones read (their
    /// cells, delimiters and line ends), for reserving memory once `sampleRecords` are read:
    /// the rows of a million-row file, held at the size the guess from the file's size alone
    /// gives and then doubled, were twice what they needed. A little above the likely count,
    /// so a file of even rows is held without regrowing.
    public var projectedRows: Int {
        guard records > 0, sampledBytes > 0 else { return estimatedRows }
        let sampled = min(records, Self.sampleRecords)
        return min(byteCount / sampledBytes * sampled + byteCount % sampledBytes * sampled / sampledBytes, 1 << 28) / 20 * 21 + 16
    }

    /// Throws I011 when the file had a header and nothing else.
    public func checkHasRows() throws {
        if records == 0 {
            throw Diagnostic(.runtime, "I011", "\(name) has a header but no rows", file: script, range: range)
        }
    }

    /// The index of a column, or I012 naming the columns the file has.
    public func column(named column: String, range: SourceRange) throws -> Int {
        try ImportChecks.columnIndex(column, in: header, fileName: name, range: range, file: script)
    }
}

/// Headers for the resolver: the columns of an import's file before anything runs, read the
/// same way the import will read them.
public struct ImportHeaders: ImportFileColumns {
    public let source: any ImportSource

    public init(source: any ImportSource) { self.source = source }

    public func columns(of name: String, options: ImportOptions, script: SourceFile) -> [String]? {
        let expr = Expr(.string(name), SourceRange(0, 0))
        return try? ImportFile(expr, options: options, script: script, source: source).header
    }
}
