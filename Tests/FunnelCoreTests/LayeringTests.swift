import Foundation
import Testing

/// The folders of Sources/FunnelCore are layers, and each may use only the layers listed
/// before it in docs/architecture.md. Everything is one module, so the compiler cannot see an
/// upward arrow; this test does, by name: it finds the types each file declares at top level
/// and reports any file that names a type declared in a layer above its own. (Methods added
/// by an `extension` in a higher layer are not types and are not seen; keep such extensions
/// in the layer that calls them.)
struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sources = root.appendingPathComponent("Sources/FunnelCore")

    /// The layer order, read from the table in docs/architecture.md: rows `| N | `Folder/` | ...`.
    static func layerOrder() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3, Int(cells[1]) != nil, cells[2].hasPrefix("`"), cells[2].hasSuffix("/`") else { return nil }
            return String(cells[2].dropFirst().dropLast(2))
        }
    }

    static func swiftFiles() -> [String: String] {
        var out: [String: String] = [:]
        guard let e = FileManager.default.enumerator(atPath: sources.path) else { return out }
        for case let path as String in e where path.hasSuffix(".swift") {
            out[path] = (try? String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)) ?? ""
        }
        return out
    }

    /// The text without comments and string literals, so a type named in a doc comment or a
    /// message is not a dependency.
    static func code(_ text: String) -> String {
        var out = "", i = text.startIndex
        func at(_ s: String) -> Bool { text[i...].hasPrefix(s) }
        while i < text.endIndex {
            if at("//") {
                while i < text.endIndex, text[i] != "\n" { i = text.index(after: i) }
            } else if at("/*") {
                guard let end = text.range(of: "*/", range: i..<text.endIndex) else { break }
                i = end.upperBound
            } else if at("\"") {
                let multi = at("\"\"\"")
                i = text.index(i, offsetBy: multi ? 3 : 1)
                while i < text.endIndex {
                    if text[i] == "\\" { i = text.index(after: i); if i < text.endIndex { i = text.index(after: i) }; continue }
                    if multi ? at("\"\"\"") : text[i] == "\"" || text[i] == "\n" { break }
                    i = text.index(after: i)
                }
                if i < text.endIndex { i = text.index(i, offsetBy: multi ? 3 : 1) }
                out += "\"\""
            } else {
                out.append(text[i]); i = text.index(after: i)
            }
        }
        return out
    }

    static func words(_ code: String) -> Set<String> {
        var out = Set<String>(), word = ""
        for c in code + " " {
            if c.isLetter || c.isNumber || c == "_" { word.append(c); continue }
            if let f = word.first, f.isUppercase { out.insert(word) }
            word = ""
        }
        return out
    }

    /// Types declared at the top level of a file (not indented).
    static func declaredTypes(_ code: String) -> [String] {
        let modifiers: Set<String> = ["public", "internal", "private", "fileprivate", "package", "final", "indirect"]
        let kinds: Set<String> = ["struct", "enum", "class", "protocol", "typealias", "actor"]
        var out: [String] = []
        for line in code.split(separator: "\n") where !(line.first?.isWhitespace ?? true) {
            var parts = line.split(whereSeparator: { $0 == " " || $0 == "<" || $0 == ":" || $0 == "{" || $0 == "(" || $0 == "=" })[...]
            while let p = parts.first, modifiers.contains(String(p)) { parts = parts.dropFirst() }
            if let k = parts.first, kinds.contains(String(k)), let name = parts.dropFirst().first { out.append(String(name)) }
        }
        return out
    }

    @Test func everyFolderIsALayerInTheDocumentedOrder() throws {
        let order = try Self.layerOrder()
        #expect(order == ["Base", "Syntax", "Semantics", "Store", "Model", "Expressions", "Query", "Import", "Statements", "Output"])
        let folders = Set(Self.swiftFiles().keys.map { String($0.split(separator: "/")[0]) })
        #expect(folders == Set(order))
    }

    @Test func noFileUsesALayerAboveItsOwn() throws {
        let order = try Self.layerOrder()
        let files = Self.swiftFiles().mapValues(Self.code)
        var owner: [String: String] = [:]
        for (path, code) in files { for t in Self.declaredTypes(code) { owner[t] = path } }
        #expect(owner.count > 100)
        func layer(_ path: String) -> Int { order.firstIndex(of: String(path.split(separator: "/")[0])) ?? -1 }
        var upward: [String] = []
        for (path, code) in files.sorted(by: { $0.key < $1.key }) {
            for word in Self.words(code).sorted() {
                guard let o = owner[word], o != path, layer(o) > layer(path) else { continue }
                upward.append("\(path) uses \(word) from \(o)")
            }
        }
        #expect(upward == [])
    }

    /// The check itself must see an arrow when there is one.
    @Test func theCheckSeesTypesAndIgnoresCommentsAndStrings() {
        let code = Self.code("struct A { let b: DealTable } // Catalog\nlet s = \"Parser \\\" Lexer\"\n/* Store */ enum C {}")
        #expect(Self.words(code) == ["A", "DealTable", "C"])
        #expect(Self.declaredTypes("public final class X: Y {}\n    struct Nested {}\nenum E<T> {}\n") == ["X", "E"])
    }
}
