#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file opened for an import statement: the path resolved against the script's folder,
/// the reader set up with the statement's `delimiter`, the header read, and every failure
/// turned into a diagnostic that points at the file name in the script.
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
    /// A guess at the number of records from the file's size, for reserving memory: real
    /// rows are rarely shorter than 64 bytes, so it errs on the low side.
    public let estimatedRows: Int

    /// Opens `fileExpr` (a string literal) from `script`'s folder. Throws I001–I005 from the
    /// reader, I010 for a file with no header.
    public init(_ fileExpr: Expr, options: ImportOptions, script: SourceFile) throws {
        guard case .string(let name) = fileExpr.kind else {
            throw Diagnostic(.syntax, "E100", "the file name must be written in quotes", file: script, range: fileExpr.range)
        }
        self.name = name
        self.path = Self.resolve(name, relativeTo: script)
        self.script = script
        self.range = fileExpr.range
        let delimiter = options.delimiter.flatMap { $0.utf8.first } ?? UInt8(ascii: ",")
        var st = stat()
        estimatedRows = stat(path, &st) == 0 ? min(Int(st.st_size) / 64, 1 << 26) : 0
        do {
            reader = try CSVReader(path: path, name: name, delimiter: delimiter)
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

    /// A relative path in a script is taken from the script's folder; in the REPL and `-c`,
    /// from the current directory.
    public static func resolve(_ path: String, relativeTo file: SourceFile) -> String {
        if path.hasPrefix("/") || path.isEmpty { return path }
        guard let base = file.baseDirectory, !base.isEmpty else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// The next data record, or nil at the end.
    public func next() throws -> CSVRecord? {
        do {
            let r = try reader.nextRecord()
            if r != nil { records += 1 }
            try Cancellation.checkpoint(records)
            return r
        } catch var d as Diagnostic {
            if d.file == nil { d.file = script; d.range = range }
            throw d
        }
    }

    /// Throws I011 when the file had a header and nothing else.
    public func checkHasRows() throws {
        if records == 0 {
            throw Diagnostic(.runtime, "I011", "\(name) has a header but no rows", file: script, range: range)
        }
    }

    /// The index of a column, or an error naming the columns the file has.
    public func column(named column: String, range: SourceRange) throws -> Int {
        let matches = header.indices.filter { header[$0] == column }
        if matches.count > 1 {
            throw Diagnostic(.runtime, "I012", "\(name) has \(matches.count) columns named '\(column)' (columns \(matches.map { String($0 + 1) }.joined(separator: " and ")))",
                             file: script, range: range, help: "rename one of them in the file's first line")
        }
        if let i = matches.first { return i }
        // Exports differ in case and spacing more than in anything else.
        let loose = header.indices.filter { Self.looseKey(header[$0]) == Self.looseKey(column) }
        let suggestion = loose.first.map { header[$0] } ?? Suggest.closest(to: column, in: header)
        throw Diagnostic(.runtime, "I012", "\(name) has no column '\(column)'", file: script, range: range,
                         notes: ["its columns are: " + header.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: ", ")],
                         help: suggestion.map { $0.contains(" ") ? "did you mean \"\($0)\"? (a name with spaces is written in quotes)" : "did you mean '\($0)'?" })
    }

    static func looseKey(_ s: String) -> String {
        String(s.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
