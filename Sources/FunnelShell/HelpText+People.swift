/// The `.help` text of the people side: people and the hierarchy, quotas, submitted
/// forecasts, delivery, and the figures of the managers' reports (issue 14).
extension HelpText {
    static let peopleStatements = """
    People, quotas and delivery (docs/managers.md):
      person "li.wei" { name: "李伟", team: "华东", manager: "zhang.min", email: "..." } [on DATE]
                                      -- again with an id changes the fields given, from DATE
                                         on; the first record counts from the start
      import people from "people.csv" [(id = C, name = C, team = C, manager = C, email = C,
        since = DATE_COLUMN)]          -- one record a row; an empty cell changes nothing
      import quotas from "quotas.csv" [(holder = C, kind = C, period = C, amount = C)]
      quota [team|person] HOLDER during 2026-Q2|2026-04|2026 = 1.2M
                                      -- the same holder and period again replaces it;
                                         overlapping periods of one holder are an error
      submit forecast for HOLDER during PERIOD commit 900k best_case 1.3M
        [because "..."] [by PERSON] [on DATE]   -- by defaults to $FUNNEL_USER, else $USER
      deliver notifications via command "sendmail -t" [timeout 30 seconds]
                                      -- once per store (again replaces it)
      deliver notifications           -- runs the command once per new notification and
                                         person, the JSON document on stdin; exit 0 marks it
                                         delivered (committed at once, never sent twice);
                                         the rest are retried next time. check rules
                                         delivers too when a command is declared.
    A deal's owner is a person when one is declared with that id; other owners still work
    (no team or manager comes from them). team = the deal's own team, else its owner's team
    (for a closed deal on the day it closed, else today); manager = the owner's manager.
    notify owner | manager of owner | team NAME | PERSON | TEAM "message" names who gets it.
    """

    static let managerMetrics = """
    attainment       per quota (team or person, period P; during keeps quotas whose
                     period overlaps the window): quota; won = amount won in P by the
                     holder (a team: deals whose team on the won day is it); attainment =
                     won / quota; gap = max(0, quota - won); pipeline, weighted = open
                     deals of the holder whose close_date falls in P; coverage = pipeline
                     / gap (empty when gap is 0). by team | by owner: one kind, with a total.
    attainment rollup per person and period of the people's quotas: quota = the person's
                     own (a manager's is their own number, not the sum of their reports');
                     won, pipeline, weighted = their deals plus everyone's under them, each
                     deal climbing the hierarchy of its day (won: the won day; open: today);
                     rows follow today's hierarchy; owners who are no person share the last
                     row; the total counts every deal once, against the top's quotas (one
                     period only). by manager: the rows of people who manage someone.
    forecast rollup  forecast per person along the hierarchy today: their own deals plus
                     everyone under them at any depth; owners who are no person share the
                     last row; the total counts every deal once.
    forecast by week forecast during P as of each Sunday in P (and P's last day), today
                     = that day; by month: as of each month's end. Future days are left out.
    forecast accuracy for P (default the last quarter ended), as of the day before P
                     and before each later month of P:
                     predicted = closed + weighted, commit_then = closed + commit,
                     best_case_then = closed + best_case (closed: won in P by then);
                     actual = won in P now; error = predicted - actual; accuracy =
                     1 - |error| / actual (empty when actual is 0).
    submitted        forecast by team|owner during exactly one holder period adds
                     submitted_commit, submitted_best_case: the latest submission (always
                     when show names them; empty for a holder who submitted nothing).
    """
}
