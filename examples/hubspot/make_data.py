#!/usr/bin/env python3
"""Writes data/deals-YYYY-MM-DD.csv: four weekly HubSpot "all deals" exports, small and
synthetic, with the quirks of real ones: a deal deleted in HubSpot simply disappears from the
next export (and one comes back after it was restored), "Closed lost" and "Closed: abandoned"
are both lost, stage labels as HubSpot writes them, "Create Date" as a timestamp with minutes,
and a per-deal "Forecast category". Run it from this folder; the files are committed, so this
is needed only to change the data."""

header = ("Record ID", "Deal Name", "Deal Stage", "Amount", "Create Date", "Close Date", "Forecast category")
# Each week's export: the deals HubSpot still has, as they stood that Monday.
weeks = {
    "2026-02-02": [
        ("101", "Northwind CRM", "Appointment scheduled", "12000", "2026-01-26 10:15", "2026-03-31", "Pipeline"),
        ("102", "Contoso rollout", "Qualified to buy", "30000", "2026-01-27 09:00", "2026-03-15", "Pipeline"),
        ("103", "Fabrikam pilot", "Presentation scheduled", "8000", "2026-01-28 14:30", "2026-02-28", "Best case"),
        ("104", "Tailspin renewal", "Contract sent", "45000", "2026-01-29 11:00", "2026-02-20", "Commit"),
        ("105", "Duplicate of 101", "Appointment scheduled", "12000", "2026-01-30 08:45", "2026-03-31", "Pipeline"),
    ],
    "2026-02-09": [
        ("101", "Northwind CRM", "Qualified to buy", "12000", "2026-01-26 10:15", "2026-03-31", "Pipeline"),
        ("102", "Contoso rollout", "Qualified to buy", "30000", "2026-01-27 09:00", "2026-03-15", "Pipeline"),
        ("103", "Fabrikam pilot", "Presentation scheduled", "9000", "2026-01-28 14:30", "2026-02-28", "Best case"),
        ("104", "Tailspin renewal", "Closed won", "45000", "2026-01-29 11:00", "2026-02-06", "Closed"),
        ("106", "Wingtip expansion", "Appointment scheduled", "20000", "2026-02-04 16:00", "2026-04-30", "Pipeline"),
    ],
    "2026-02-16": [
        ("101", "Northwind CRM", "Decision maker bought-in", "15000", "2026-01-26 10:15", "2026-03-31", "Best case"),
        ("103", "Fabrikam pilot", "Closed lost", "9000", "2026-01-28 14:30", "2026-02-13", "Omitted"),
        ("104", "Tailspin renewal", "Closed won", "45000", "2026-01-29 11:00", "2026-02-06", "Closed"),
        ("106", "Wingtip expansion", "Qualified to buy", "20000", "2026-02-04 16:00", "2026-04-30", "Pipeline"),
        ("107", "Litware trial", "Appointment scheduled", "5000", "2026-02-11 13:20", "2026-05-15", "Pipeline"),
    ],
    "2026-02-23": [
        ("101", "Northwind CRM", "Contract sent", "15000", "2026-01-26 10:15", "2026-03-31", "Commit"),
        ("102", "Contoso rollout", "Presentation scheduled", "28000", "2026-01-27 09:00", "2026-03-15", "Pipeline"),
        ("103", "Fabrikam pilot", "Closed lost", "9000", "2026-01-28 14:30", "2026-02-13", "Omitted"),
        ("104", "Tailspin renewal", "Closed won", "45000", "2026-01-29 11:00", "2026-02-06", "Closed"),
        ("106", "Wingtip expansion", "Closed: abandoned", "20000", "2026-02-04 16:00", "2026-02-20", "Omitted"),
        ("107", "Litware trial", "Presentation scheduled", "5000", "2026-02-11 13:20", "2026-05-15", "Pipeline"),
    ],
}

for day, rows in weeks.items():
    with open(f"data/deals-{day}.csv", "w", encoding="utf-8", newline="") as f:
        f.write("".join(",".join(r) + "\r\n" for r in [header] + rows))
