/// "Did you mean" suggestions: the closest candidate by edit distance, if close enough to be
/// a plausible typo (at most a third of the word, at least one edit for words of three letters
/// or more).
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        // No name is this long, and the edit distance costs the product of the lengths: a
        // 100 MB word in a script took minutes to find nothing.
        guard word.utf8.count <= maxWordBytes else { return nil }
        let w = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates {
            let cs = Array(c.lowercased().unicodeScalars)
            // The distance is at least the difference in length; skip what cannot be close.
            if abs(cs.count - w.count) > max(1, w.count / 3), w.count > 2 { continue }
            let d = distance(w, cs)
            if let b = best, b.1 <= d { continue }
            best = (c, d)
        }
        guard let (candidate, d) = best else { return nil }
        // A one- or two-letter word is one edit from almost anything: suggest only a word it
        // is missing one letter of (`wn` → `won`), never a substitution (`Z` → `A`).
        if w.count <= 2 {
            return candidates.first { c in
                let cs = Array(c.lowercased().unicodeScalars)
                return cs.count == w.count + 1 && isSubsequence(w, of: cs)
            } ?? candidates.first { $0.lowercased() == word.lowercased() && $0 != word }
        }
        let allowed = max(1, w.count / 3)
        return d <= allowed && d > 0 || (d == 0 && candidate != word) ? candidate : nil
    }

    /// Words longer than this get no suggestion.
    static let maxWordBytes = 256

    static func isSubsequence(_ a: [Unicode.Scalar], of b: [Unicode.Scalar]) -> Bool {
        var i = 0
        for x in b where i < a.count && a[i] == x { i += 1 }
        return i == a.count
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                // A swapped pair of letters is one typo, not two.
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { cur[j] = min(cur[j], prev[j - 1]) }
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// A candidate the word abbreviates — its first letter, then the rest of its letters in
    /// order with some left out (`amnt` → `amount`, `clsdt` → `close_date`) — when the
    /// distance is too far for `closest`: field names are typed short. The shortest such
    /// candidate; none for words under three letters, or when two of that length fit.
    public static func expansion(of word: String, in candidates: [String]) -> String? {
        guard word.utf8.count <= maxWordBytes else { return nil }
        let w = Array(word.lowercased().unicodeScalars)
        guard w.count >= 3 else { return nil }
        let fits = candidates.filter { c in
            let cs = Array(c.lowercased().unicodeScalars)
            return cs.count > w.count && cs.first == w.first && isSubsequence(w, of: cs)
        }
        guard let shortest = fits.map({ $0.unicodeScalars.count }).min() else { return nil }
        let best = fits.filter { $0.unicodeScalars.count == shortest }
        return best.count == 1 ? best[0] : nil
    }
}
