/// Amounts in the reporting currency (`currency USD rates rates.ConversionRate`), for queries:
/// a deal whose `currency` is empty or the reporting one keeps its amount; a deal in another
/// currency C counts amount / rate(C), the table giving units of C per one reporting unit (as
/// Salesforce's CurrencyType does). A deal in a currency with no rate is an error naming it,
/// never a figure that quietly adds pesos to dollars.
struct CurrencyConversion {
    let currency: ReportingCurrency
    let file: SourceFile
    let range: SourceRange

    func convert(_ state: FunnelState) throws -> FunnelState {
        guard let own = state.deals.custom["currency"] else { return state }
        if currency.startColumn != nil { return try convertDated(state, own) }
        var rateOf: [String: Double] = [currency.code: 1]
        var out = state
        var amounts = state.deals.amount
        for r in 0..<amounts.count {
            guard r < own.count, case .text(let code) = own[r], code != currency.code, amounts[r] != Empty.money else { continue }
            if rateOf[code] == nil { rateOf[code] = try rate(code, state: state, deal: state.deals.ids[r]) }
            amounts[r] = try Self.converted(amounts[r], rate: rateOf[code] ?? 1)
        }
        out.deals.amount = amounts
        return out
    }

    func rate(_ code: String, state: FunnelState, deal: String) throws -> Double {
        let help = currency.table.map { "add a row for \(code) to table \($0), or correct the deal's currency" }
            ?? "name a table of rates: currency \(currency.code) rates TABLE.COLUMN"
        guard let name = currency.table, let column = currency.column, let table = state.tables[name] else {
            throw Diagnostic(.runtime, "R702", "deal \"\(deal)\" is in \(code), and there is no rate for \(code) to \(currency.code)",
                             file: file, range: range, help: help)
        }
        guard let row = table.rowOfKey[code], let c = table.columns.firstIndex(of: column), let n = table.value(row: row, column: c).number, n > 0, n.isFinite else {
            throw Diagnostic(.runtime, "R702", "deal \"\(deal)\" is in \(code), and table \(name) has no \(column) for \(code)",
                             file: file, range: range, help: help)
        }
        return n
    }

    /// Dated rates: each deal at the rate in effect on its day (`rateDay`). A day before the
    /// currency's first rate, or past the end of the last one, is error R710 naming the deal,
    /// the day and the rates there are — never the nearest rate, which would quietly give a
    /// figure the table does not hold.
    func convertDated(_ state: FunnelState, _ own: [Value]) throws -> FunnelState {
        guard let name = currency.table, let table = state.tables[name] else {
            for r in 0..<min(own.count, state.deals.count) {
                if case .text(let code) = own[r], code != currency.code, state.deals.amount[r] != Empty.money {
                    _ = try rate(code, state: state, deal: state.deals.ids[r])
                }
            }
            return state
        }
        let rates = try DatedRates(table: table, currency: currency, file: file, range: range)
        let column = currency.column ?? ""
        var out = state
        var amounts = state.deals.amount
        for r in 0..<amounts.count {
            guard r < own.count, case .text(let code) = own[r], code != currency.code, amounts[r] != Empty.money else { continue }
            let (day, which) = Self.rateDay(state.deals, row: r)
            let deal = state.deals.ids[r]
            let on = "\(Calendar.format(day)) (its \(which))"
            switch rates.lookup(code, on: day) {
            case .rate(let n):
                amounts[r] = try Self.converted(amounts[r], rate: n)
            case .noRate:
                throw Diagnostic(.runtime, "R702", "deal \"\(deal)\" is in \(code), and table \(name) has no \(column) for \(code)",
                                 file: file, range: range, help: "add rates for \(code) to table \(name), or correct the deal's currency")
            case .before(let first):
                throw Diagnostic(.runtime, "R710", "deal \"\(deal)\" is in \(code) on \(on), before the first rate for \(code) in table \(name) (from \(Calendar.format(first)))",
                                 file: file, range: range, help: "add a rate for \(code) from \(Calendar.format(day)) or earlier to table \(name), or correct the deal's \(which)")
            case .ended(let p):
                throw Diagnostic(.runtime, "R710", "deal \"\(deal)\" is in \(code) on \(on), after table \(name)'s rate for \(code) from \(Calendar.format(p.start)) ended (it holds until \(Calendar.format((p.end ?? p.start) - 1)))",
                                 file: file, range: range, help: "add a rate for \(code) from \(Calendar.format(p.end ?? p.start)) to table \(name), or correct the deal's \(which)")
            }
        }
        out.deals.amount = amounts
        return out
    }

    /// Cents ÷ rate, exactly, rounded half away from zero to cents: one rounding per deal.
    static func converted(_ cents: Int64, rate: Double) throws -> Int64 {
        guard let m = Money(cents: cents).divided(by: rate), let c = m.storableCents else {
            throw MoneyOverflow(what: "an amount converted to the reporting currency")
        }
        return c
    }

    /// The day whose rate converts a deal, as Salesforce's dated exchange rates do for
    /// opportunities (by close date): the day it was won or lost; while open, its expected
    /// `close_date`; with neither, the day it was created. An `as of` query converts the deals
    /// as they stood that day, so a deal open then counts at its expected close date's rate.
    static func rateDay(_ deals: DealTable, row r: Int) -> (day: Int32, field: String) {
        if deals.closed[r] != Empty.date { return (deals.closed[r], "closed date") }
        if deals.closeDate[r] != Empty.date { return (deals.closeDate[r], "close_date") }
        return (deals.created[r], "created date")
    }
}

extension QueryRunner {
    /// A state replayed as of a day holds each deal's amount in its own currency; a report
    /// that reads such a state directly, beside the current one (converted before the report
    /// runs), converts it the same way.
    func inReportingCurrency(_ s: FunnelState, range: SourceRange) throws -> FunnelState {
        guard let currency = s.catalog.reportingCurrency else { return s }
        return try CurrencyConversion(currency: currency, file: file, range: range).convert(s)
    }
}
