/// `.schema`: the catalog as the declarations that would rebuild it.
public enum Schema {
    public static func text(_ catalog: Catalog) -> String {
        var out: [String] = []
        for name in catalog.fieldOrder {
            guard let f = catalog.fields[name] else { continue }
            var line = "field \(quoted(name)) \(f.type.rawValue)"
            if let values = f.oneOf {
                line += " one of (" + values.map { v in
                    if case .text(let s) = v { return "\"\(s)\"" }
                    return ValueFormatter.machine(v)
                }.joined(separator: ", ") + ")"
            }
            if f.required { line += " required" }
            out.append(line)
        }
        for name in catalog.funnelOrder {
            if let source = catalog.funnels[name]?.source { out.append(String(decoding: source.bytes, as: UTF8.self)) }
        }
        for name in catalog.ruleOrder {
            if let source = catalog.rules[name]?.source { out.append(String(decoding: source.bytes, as: UTF8.self)) }
        }
        if let gate = catalog.leadGateSource { out.append(String(decoding: gate.bytes, as: UTF8.self)) }
        return out.isEmpty ? "-- no declarations yet" : out.joined(separator: "\n")
    }

    /// A name that is not a plain word is written as a string.
    static func quoted(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }
            && !(name.unicodeScalars.first.map { ("0"..."9").contains($0) } ?? true)
        return plain ? name : "\"\(name)\""
    }
}
