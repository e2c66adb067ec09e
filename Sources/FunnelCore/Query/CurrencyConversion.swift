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
        var rateOf: [String: Double] = [currency.code: 1]
        var out = state
        var amounts = state.deals.amount
        for r in 0..<amounts.count {
            guard r < own.count, case .text(let code) = own[r], code != currency.code, !amounts[r].isNaN else { continue }
            if rateOf[code] == nil { rateOf[code] = try rate(code, state: state, deal: state.deals.ids[r]) }
            amounts[r] = ((amounts[r] / (rateOf[code] ?? 1)) * 100).rounded() / 100
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
}
