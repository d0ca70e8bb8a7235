"""The deadline and expiry queries: one index range scan per kind of stored date, unioned."""

import json

from ipcli.db.nice_classes import class_list

# An open renewal for the mark's current term meets its renewal deadlines (accepted ones have
# already moved the mark to its next term).
_NO_OPEN_RENEWAL = """NOT EXISTS (SELECT 1 FROM filing_rights fr JOIN filings f ON f.id = fr.filing_id
    WHERE fr.right_type = 'mark' AND fr.right_no = m.reg_no AND f.type = 'renewal'
    AND f.status IN ('received', 'ready', 'exported', 'submitted'))"""
_NO_OPEN_PLEDGE_FILING = """NOT EXISTS (SELECT 1 FROM filings f WHERE f.type IN ('pledge_extension', 'pledge_release')
    AND f.status NOT IN ('rejected', 'withdrawn') AND CAST(json_extract(f.details, '$.pledge_id') AS INTEGER) = g.id)"""
_RIGHT_OWNER = ("COALESCE((SELECT owner FROM marks WHERE reg_no = {no}), "
                "(SELECT owner FROM patents WHERE app_no = {no}))")
_RIGHT_TITLE = ("COALESCE((SELECT name FROM marks WHERE reg_no = {no}), "
                "(SELECT title FROM patents WHERE app_no = {no}))")
_RIGHT_WINDOW = ("COALESCE((SELECT window FROM marks WHERE reg_no = {no}), "
                 "(SELECT window FROM patents WHERE app_no = {no}))")


def _mark(kind: str, column: str, rule: str, provisional: str = "0", unmet: str = _NO_OPEN_RENEWAL) -> str:
    return f"""SELECT m.{column} AS due_on, '{kind}' AS kind, 'mark' AS right_type, m.reg_no AS right_no,
        m.owner AS owner, m.name AS title, '{rule}' AS rule, {provisional} AS provisional,
        CAST(NULL AS INTEGER) AS filing_id, m.window AS window
        FROM marks m WHERE m.{column} BETWEEN :start AND :end AND {unmet}"""


def _patent(kind: str, column: str, rule: str, provisional: str = "0") -> str:
    return f"""SELECT p.{column} AS due_on, '{kind}' AS kind, 'patent' AS right_type, p.app_no AS right_no,
        p.owner AS owner, p.title AS title, '{rule}' AS rule, {provisional} AS provisional,
        CAST(NULL AS INTEGER) AS filing_id, p.window AS window
        FROM patents p WHERE p.{column} BETWEEN :start AND :end"""


def _pledge(unmet: str) -> str:
    return f"""SELECT g.ends_on AS due_on, 'pledge_term_ends' AS kind, r.right_type AS right_type,
    r.right_no AS right_no, {_RIGHT_OWNER.format(no='r.right_no')} AS owner,
    {_RIGHT_TITLE.format(no='r.right_no')} AS title,
    CASE r.right_type WHEN 'mark' THEN 'R-TM-PLEDGE' ELSE 'R-PAT-PLEDGE' END AS rule, 0 AS provisional,
    g.filing_id AS filing_id, {_RIGHT_WINDOW.format(no='r.right_no')} AS window
    FROM pledges g JOIN pledge_rights r ON r.pledge_id = g.id
    WHERE g.ends_on BETWEEN :start AND :end AND g.status = 'registered' AND {unmet}"""


def _license(kind: str, column: str, statuses: str, provisional: str = "0") -> str:
    return f"""SELECT l.{column} AS due_on, '{kind}' AS kind, l.right_type AS right_type, l.right_no AS right_no,
        {_RIGHT_OWNER.format(no='l.right_no')} AS owner, {_RIGHT_TITLE.format(no='l.right_no')} AS title,
        CASE l.right_type WHEN 'mark' THEN 'R-TM-LICENSE' ELSE 'R-PAT-LICENSE' END AS rule,
        {provisional} AS provisional, l.filing_id AS filing_id, {_RIGHT_WINDOW.format(no='l.right_no')} AS window
        FROM licenses l WHERE l.{column} BETWEEN :start AND :end AND l.status IN ({statuses})"""


_NOTICE = f"""SELECT n.deadline_on AS due_on, 'notice_response_due' AS kind, n.right_type AS right_type,
    n.right_no AS right_no, {_RIGHT_OWNER.format(no='n.right_no')} AS owner,
    {_RIGHT_TITLE.format(no='n.right_no')} AS title, n.rule AS rule, n.provisional AS provisional,
    CAST(NULL AS INTEGER) AS filing_id, {_RIGHT_WINDOW.format(no='n.right_no')} AS window
    FROM notices n WHERE n.status = 'open' AND n.deadline_on BETWEEN :start AND :end"""

DEADLINE_QUERIES = {
    "mark_renewal_window_opens": _mark("mark_renewal_window_opens", "renewal_window_opens_on", "R-TM-WINDOW"),
    "mark_expires": _mark("mark_expires", "expires_on", "R-TM-WINDOW"),
    "mark_grace_ends": _mark("mark_grace_ends", "grace_ends_on", "R-TM-GRACE", "m.dates_provisional"),
    "patent_annuity_due": _patent("patent_annuity_due", "next_annuity_due_on", "R-PAT-ANNUITY-DUE"),
    "patent_annuity_grace_ends": _patent("patent_annuity_grace_ends", "next_annuity_grace_ends_on", "R-PAT-LATE",
                                         "p.dates_provisional"),
    "patent_term_ends": _patent("patent_term_ends", "term_ends_on", "R-PAT-TERM"),
    "pledge_term_ends": _pledge(_NO_OPEN_PLEDGE_FILING),
    "license_term_ends": _license("license_term_ends", "ends_on", "'pending', 'recorded'"),
    "license_recordal_due": _license("license_recordal_due", "recordal_due_on", "'pending'", "l.provisional"),
    "notice_response_due": _NOTICE,
}
DEADLINE_KINDS = tuple(DEADLINE_QUERIES)
COLUMNS = ("due_on", "kind", "right_type", "right_no", "owner", "title", "rule", "provisional", "filing_id",
           "window")


# Terms that end, whatever was filed about them.
EXPIRY_QUERIES = {
    "mark_expires": _mark("mark_expires", "expires_on", "R-TM-TERM", unmet="1 = 1"),
    "patent_term_ends": DEADLINE_QUERIES["patent_term_ends"],
    "pledge_term_ends": _pledge(unmet="1 = 1"),
    "license_term_ends": DEADLINE_QUERIES["license_term_ends"],
}


def deadline_rows(store, start: str, end: str, kinds, owners=(), window: str | None = None, queries=None):
    """Open deadlines (or, with EXPIRY_QUERIES, ends of terms) with start <= due_on <= end, of rights of
    one of `owners` (all when none is given) and of `window`, as tuples of the columns of COLUMNS, sorted
    by due_on then right_no."""
    union = " UNION ALL ".join((queries or DEADLINE_QUERIES)[kind] for kind in kinds)
    filters = [clause for clause, value in (("owner IN (SELECT value FROM json_each(:owners))", owners),
                                            ("window = :window", window)) if value]
    sql = f"SELECT * FROM ({union}) AS due" + (" WHERE " + " AND ".join(filters) if filters else "")
    params = {"start": start, "end": end, "owners": json.dumps(list(owners), ensure_ascii=False), "window": window}
    return store.db.conn.execute(sql + " ORDER BY due_on, right_no, kind", params)


# What deadlines passed unmet need to know of their rights: one query for all of them.
_FEE_FACTS = ("type", "next_annuity_year", "next_annuity_due_on", "next_annuity_grace_ends_on")


def patent_fee_facts(store, app_nos: list[str]) -> dict[str, dict]:
    """{app_no: {type, next_annuity_year, next_annuity_due_on, next_annuity_grace_ends_on}} of `app_nos`."""
    rows = store.db.conn.execute(f"SELECT app_no, {', '.join(_FEE_FACTS)} FROM patents "
                                 "WHERE app_no IN (SELECT value FROM json_each(?))", [json.dumps(app_nos)])
    return {app_no: dict(zip(_FEE_FACTS, facts)) for app_no, *facts in rows}


def mark_grace_facts(store, reg_nos: list[str]) -> dict[str, tuple[str, int]]:
    """{reg_no: (grace_ends_on, number of classes)} of the marks `reg_nos`."""
    rows = store.db.conn.execute(
        "SELECT reg_no, grace_ends_on, classes FROM marks "
        "WHERE reg_no IN (SELECT value FROM json_each(?))", [json.dumps(reg_nos)])
    return {reg_no: (grace_ends_on, len(class_list(classes))) for reg_no, grace_ends_on, classes in rows}
