/// A chart as data: what each bar measures and says, taken from a query's result table, so
/// the terminal, SVG and the HTML report draw the same figures the query prints. Every
/// kind of chart is rows of values over the same table; a new kind is one more `Kind`, a
/// builder in `Charts` and a case in each renderer (as the pipeline waterfall over the
/// `changes` report is).
public struct Chart: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// One bar per row, from the left.
        case bars
        /// One bar per stage, centred, in funnel order: the funnel's shape.
        case funnel
        /// Each row's values stacked into one bar, in the order of `series`.
        case stacked
        /// One bar per value of each row, the series side by side (avg and median days).
        case paired
        /// One bar per period, in time order, the periods with no deal kept.
        case trend
        /// The pipeline waterfall: each row spans `values[0]` to `values[1]` of a running
        /// total — the opening and closing bars from zero, each movement a step floating from
        /// where the one before ended.
        case waterfall
    }

    /// What a waterfall row is: a total (opening, closing) or a signed movement.
    public enum Step: Sendable, Equatable {
        case total, increase, decrease
    }

    public struct Row: Sendable, Equatable {
        /// The group a row belongs to (`chart conversion by team`: the team), shown as a heading.
        public var section: String?
        public var label: String
        /// One value per series; nil draws nothing (a figure that is empty).
        public var values: [Double?]
        /// The row's figures as the query's table shows them, one per `textColumns`.
        public var texts: [String]
        /// The biggest drop of a funnel.
        public var marked: Bool = false
        /// A waterfall row's part in the running total; nil in every other kind.
        public var step: Step?
        public init(section: String? = nil, label: String, values: [Double?], texts: [String], marked: Bool = false,
                    step: Step? = nil) {
            self.section = section; self.label = label; self.values = values; self.texts = texts; self.marked = marked
            self.step = step
        }
    }

    public var kind: Kind
    public var title: String
    /// What the bars measure, for the value axis ("deals reached", "amount").
    public var axis: String
    /// What the rows are, for the other axis ("stage", "close_date.month").
    public var labelAxis: String
    /// The name of each value of a row, for the legend.
    public var series: [String]
    /// The headings of a row's texts.
    public var textColumns: [String]
    public var rows: [Row]
    /// The value a full bar stands for; nil scales to the largest bar (or stack).
    public var scaleMax: Double?
    /// A line under the chart: what the mark means, which periods were empty.
    public var note: String?
    /// The words of the note's mark, shown beside the marked row.
    public var markText: String?
    /// The result the chart was drawn from: every format but table prints it.
    public var table: ResultTable
    /// How the values are written on an axis (money, a rate, days).
    public var valueKind: ColumnKind = .number

    public init(kind: Kind, title: String, axis: String, labelAxis: String, series: [String], textColumns: [String],
                rows: [Row], scaleMax: Double? = nil, note: String? = nil, markText: String? = nil, table: ResultTable) {
        self.kind = kind; self.title = title; self.axis = axis; self.labelAxis = labelAxis; self.series = series
        self.textColumns = textColumns; self.rows = rows; self.scaleMax = scaleMax; self.note = note
        self.markText = markText; self.table = table
    }

    /// The largest bar (the sum of a stack), which a full bar stands for unless `scaleMax` says.
    /// A waterfall's is the highest its running total gets.
    public var top: Double {
        if let scaleMax { return scaleMax }
        if kind == .waterfall { return rows.flatMap { $0.values.compactMap { $0 } }.max() ?? 0 }
        let sizes = rows.map { r -> Double in
            let v = r.values.compactMap { $0 }.map { Swift.max(0, $0) }
            return kind == .stacked ? v.reduce(0, +) : (v.max() ?? 0)
        }
        return sizes.max() ?? 0
    }

    /// Where the value axis starts: zero, or below it if a waterfall's running total dips there.
    public var bottom: Double {
        guard kind == .waterfall else { return 0 }
        return min(0, rows.flatMap { $0.values.compactMap { $0 } }.min() ?? 0)
    }

    /// The index of the text that is the figure a bar measures (a waterfall's deals or amount).
    public var measuredText: Int { textColumns.firstIndex(of: axis) ?? 0 }
}
