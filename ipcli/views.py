"""What each listing shows people in a table: its columns in order of importance, the message when it
lists nothing, and which amounts are large. The records themselves, and every machine format, keep all
their keys (ipcli.output draws the tables).
"""

from dataclasses import dataclass, replace

# Free text: the only cells that a narrow terminal shortens (with …); every other cell is kept whole.
FREE_TEXT = frozenset({"owner", "title", "name", "window_name", "pledgor", "pledgee", "debtor", "command",
                       "reason", "details", "before", "after", "file", "csv_file", "step", "citation",
                       "submitted_to", "operator"})
# Amounts of money in CNY, shown with thousands separators.
MONEY = frozenset({"amount", "fee", "fees", "fee_total", "fee_renewal", "fee_late", "fee_payable", "late_fee",
                   "total"})
# Identifiers: numbers of rights, ID numbers (USCC, resident ID), ids of records, filings and batches, window
# codes. Text in a spreadsheet even where they are integers or look like numbers, so none loses a digit or
# its leading zeros (--format xlsx writes them as text cells).
IDENTIFIERS = frozenset({"reg_no", "app_no", "right_no", "rights", "owner_id", "registrant_id", "assignor_id",
                         "assignee_id", "licensor_id", "licensee_id", "pledgor_id", "pledgee_id", "debtor_id",
                         "to_id", "id", "filing_id", "batch_id", "pledge_id", "notice_id", "record_id", "invocation",
                         "reverts", "window", "parent", "code", "default_window", "known_as", "items_sha256",
                         "rule"})
# Calendar dates (ISO YYYY-MM-DD): every key ending in _on, and these.
DATES = frozenset({"open_license_from", "deadline_raw", "from", "to", "date", "next_working_day"})


def is_date_field(key: str) -> bool:
    return key.endswith("_on") or key in DATES


@dataclass(frozen=True)
class View:
    """`keys`: every key of the records, as in JSON (the order of --wide, and what --columns may name);
    `human`: the table's columns, most important first (a narrow terminal drops them from the end);
    `empty`: the message key of an empty listing; `wan`: amounts shown in 万元 in zh tables; `wrap`: free
    text wraps onto more lines instead of being shortened (where it is what the reader came for)."""

    keys: tuple[str, ...] = ()
    human: tuple[str, ...] = ()
    empty: str | None = None
    wan: frozenset = frozenset()
    wrap: bool = False


ALL_FIELDS = View()  # a record (show, calc, status), or a listing without a view of its own: every field
# The lists of records inside a record, by their key: --explain's steps are read whole.
NESTED = {"explain": View(("rule", "citation", "confidence", "step"), ("rule", "confidence", "step", "citation"),
                          wrap=True)}

_DEADLINE_KEYS = ("due_on", "days_left", "kind", "right_type", "right_no", "owner", "title", "rule", "provisional",
                  "filing_id", "window", "overdue_status", "late_fee_rate_pct", "late_fee")
_DEADLINE_COLUMNS = ("due_on", "days_left", "kind", "right_no", "overdue_status", "late_fee", "owner", "title",
                     "provisional", "window")


def deadlines_view(explain: bool, overdue: bool) -> View:
    """The rule of each date comes after the title, when there is room; with --explain right after what
    falls due."""
    columns = list(_DEADLINE_COLUMNS)
    columns.insert(columns.index("right_no" if explain else "provisional"), "rule")
    return View(_DEADLINE_KEYS, tuple(columns), "view.no_deadlines_overdue" if overdue else "view.no_deadlines")


EXPIRIES = View(("ends_on", "days_left", "kind", "right_type", "right_no", "owner", "title", "rule", "filing_id",
                 "window"),
                ("ends_on", "days_left", "kind", "right_no", "owner", "title", "rule", "window"), "view.no_expiries")
MARKS = View(("reg_no", "classes", "name", "owner", "kind", "registered_on", "expires_on", "renewal_window_opens_on",
              "grace_ends_on", "status", "pledged", "owner_id", "term_starts_on", "window", "provisional"),
             ("reg_no", "expires_on", "status", "classes", "name", "owner", "grace_ends_on", "pledged", "window",
              "provisional"), "view.no_marks")
PATENTS = View(("app_no", "type", "title", "owner", "filed_on", "granted_on", "term_ends_on", "paid_through",
                "next_annuity_year", "next_annuity_due_on", "next_annuity_grace_ends_on", "reduction", "open_license",
                "open_license_from", "status", "pledged", "owner_id", "window", "provisional"),
               ("app_no", "status", "next_annuity_due_on", "title", "owner", "type", "next_annuity_year",
                "term_ends_on", "pledged", "window", "provisional"), "view.no_patents")
FILINGS = View(("id", "type", "status", "received_on", "window", "fee_total", "rights", "status_on", "operator",
                "paper", "reason", "details"),
               ("id", "type", "rights", "fee_total", "status", "received_on", "status_on", "window", "reason"),
               "view.no_filings")
PLEDGES = View(("id", "filing_id", "pledgor", "pledgee", "debtor", "amount", "starts_on", "ends_on", "status",
                "released_on", "rights"),
               ("id", "rights", "amount", "ends_on", "status", "starts_on", "released_on", "filing_id", "pledgor",
                "pledgee"), "view.no_pledges", frozenset({"amount"}))
NOTICES = View(("id", "right_no", "right_type", "kind", "dispatched_on", "served", "starts_on", "deadline_raw",
                "deadline_on", "provisional", "rule", "status", "done_on"),
               ("id", "deadline_on", "right_no", "kind", "status", "done_on", "dispatched_on", "rule", "provisional"),
               "view.no_notices")
OPEN_NOTICES = replace(NOTICES, empty="view.no_open_notices")
BATCHES = View(("batch_id", "filing_type", "origin", "status", "window", "count", "fee_total", "created_at", "file"),
               ("batch_id", "filing_type", "status", "count", "fee_total", "window", "created_at", "origin", "file"),
               "view.no_batches")
JOURNAL = View(("id", "at", "operator", "command", "record_type", "record_id", "before", "after", "invocation",
                "revertible", "reverts"),
               ("id", "at", "record_type", "record_id", "operator", "command"), "view.no_journal")
STATS = View(("window", "window_name", "month", "owner", "level", "parent", "type", "filings", "accepted", "marks",
              "patents", "fees", "amount", "in_window", "in_grace"),
             ("window", "month", "owner", "type", "filings", "accepted", "marks", "patents", "fees", "amount",
              "in_window", "in_grace", "window_name"), "view.no_stats", frozenset({"amount"}))
WINDOWS = View(("code", "name", "level", "parent", "default"), ("code", "name", "level", "default"),
               "view.no_windows")
