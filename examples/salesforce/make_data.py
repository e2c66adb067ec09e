#!/usr/bin/env python3
"""Writes data/Opportunity.csv, data/OpportunityHistory.csv, data/CurrencyType.csv and
data/DatedConversionRate.csv: a small,
synthetic Salesforce org export with the quirks of real ones — Windows-1252 encoding (accented
names and descriptions), CRLF lines, amounts in four currencies with the org's rate table
(units of each currency per one USD, the corporate currency), three closed stages (Closed Won,
Closed Lost, Closed - No Decision), the dated rates of an org with "dated exchange rates" on
(MXN and COP change on 2026-03-01), whole-number Probability, ForecastCategoryName per deal
(Pipeline, Best Case, Commit, Closed, Omitted), and timestamps in OpportunityHistory.
Run it from this folder; the files are committed, so this is needed only to change the data."""

rates = [("USD", "1", "true"), ("MXN", "17.5", "false"), ("COP", "4000", "false"), ("PEN", "3.75", "false")]

# Id, IsoCode, ConversionRate, StartDate, NextStartDate: Salesforce starts each currency's first
# period on 0001-01-01 and ends its last on 9999-12-31; a period ends the day before NextStartDate.
dated_rates = [
    ("04w5g00000000A1", "USD", "1", "0001-01-01", "9999-12-31"),
    ("04w5g00000000A2", "MXN", "17.5", "0001-01-01", "2026-03-01"),
    ("04w5g00000000A3", "MXN", "20", "2026-03-01", "9999-12-31"),
    ("04w5g00000000A4", "COP", "4000", "0001-01-01", "2026-03-01"),
    ("04w5g00000000A5", "COP", "5000", "2026-03-01", "9999-12-31"),
    ("04w5g00000000A6", "PEN", "3.75", "0001-01-01", "9999-12-31"),
]

# Id, Name, StageName, Amount, CurrencyIsoCode, Probability, ForecastCategoryName, CreatedDate, CloseDate, Description
opportunities = [
    ("006A01", "Café Ñandú expansion", "Negotiation", "175000", "MXN", "80", "Commit", "2026-01-05", "2026-03-31", "Señora Peña wants a discount"),
    ("006A02", "Bogotá fleet renewal", "Closed Won", "80000000", "COP", "100", "Closed", "2026-01-06", "2026-02-20", "Signed — two-year term"),
    ("006A03", "Lima núcleo ERP", "Proposal", "37500", "PEN", "50", "Best Case", "2026-01-08", "2026-04-15", "Pilot in Miraflores"),
    ("006A04", "Acme data platform", "Qualification", "40000", "USD", "20", "Pipeline", "2026-01-09", "2026-05-30", ""),
    ("006A05", "Monterrey plant", "Closed Lost", "350000", "MXN", "0", "Omitted", "2026-01-12", "2026-02-27", "Lost on price — “too expensive”"),
    ("006A06", "Medellín call centre", "Closed - No Decision", "120000000", "COP", "0", "Omitted", "2026-01-13", "2026-03-02", "Budget frozen"),
    ("006A07", "Globex analytics", "Negotiation", "60000", "USD", "60", "Best Case", "2026-01-15", "2026-03-20", "Probability set below stage"),
    ("006A08", "Cusco tourism portal", "Closed Won", "18750", "PEN", "100", "Closed", "2026-01-19", "2026-03-05", "Paid in soles"),
    ("006A09", "Initech upgrade", "Prospecting", "20000", "USD", "10", "Pipeline", "2026-02-02", "2026-06-30", ""),
    ("006A10", "Querétaro logistics", "Proposal", "525000", "MXN", "50", "Commit", "2026-02-03", "2026-03-25", "Forecast as commit by the rep"),
    ("006A11", "Umbrella renewal", "Closed Won", "30000", "USD", "100", "Closed", "2026-02-04", "2026-03-10", ""),
    ("006A12", "Cali retail POS", "Qualification", "40000000", "COP", "30", "Pipeline", "2026-02-09", "2026-05-15", "Probability above stage"),
]

# The stages each deal went through, with the day it entered each (the last is its current stage).
paths = {
    "006A01": [("Prospecting", "2026-01-05"), ("Qualification", "2026-01-12"), ("Proposal", "2026-01-26"), ("Negotiation", "2026-02-16")],
    "006A02": [("Prospecting", "2026-01-06"), ("Qualification", "2026-01-13"), ("Negotiation", "2026-02-02"), ("Closed Won", "2026-02-20")],
    "006A03": [("Prospecting", "2026-01-08"), ("Proposal", "2026-02-09")],
    "006A04": [("Prospecting", "2026-01-09"), ("Qualification", "2026-02-10")],
    "006A05": [("Prospecting", "2026-01-12"), ("Qualification", "2026-01-19"), ("Proposal", "2026-02-05"), ("Closed Lost", "2026-02-27")],
    "006A06": [("Prospecting", "2026-01-13"), ("Qualification", "2026-01-27"), ("Closed - No Decision", "2026-03-02")],
    "006A07": [("Prospecting", "2026-01-15"), ("Qualification", "2026-01-22"), ("Proposal", "2026-02-04"), ("Negotiation", "2026-02-25")],
    "006A08": [("Prospecting", "2026-01-19"), ("Proposal", "2026-02-02"), ("Closed Won", "2026-03-05")],
    "006A09": [("Prospecting", "2026-02-02")],
    "006A10": [("Prospecting", "2026-02-03"), ("Qualification", "2026-02-10"), ("Proposal", "2026-02-24")],
    "006A11": [("Prospecting", "2026-02-04"), ("Negotiation", "2026-02-18"), ("Closed Won", "2026-03-10")],
    "006A12": [("Prospecting", "2026-02-09"), ("Qualification", "2026-02-23")],
}

def cell(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s

def write(name, header, rows):
    text = "".join(",".join(cell(c) for c in r) + "\r\n" for r in [header] + rows)
    with open("data/" + name, "wb") as f:
        f.write(text.encode("windows-1252"))

write("CurrencyType.csv", ("IsoCode", "ConversionRate", "IsCorporate"), rates)
write("DatedConversionRate.csv", ("Id", "IsoCode", "ConversionRate", "StartDate", "NextStartDate"), dated_rates)
write("Opportunity.csv", ("Id", "Name", "StageName", "Amount", "CurrencyIsoCode", "Probability", "ForecastCategoryName",
                          "CreatedDate", "CloseDate", "Description"), opportunities)
history = []
for (oid, *_rest) in opportunities:
    for (stage, day) in paths[oid]:
        history.append((oid, stage, day + "T09:00:00.000Z"))
# OpportunityHistory lists rows in no particular order; Salesforce's export is by Id.
history.sort(key=lambda r: (r[0], r[2]), reverse=True)
write("OpportunityHistory.csv", ("OpportunityId", "StageName", "CreatedDate"), history)
