"""iCalendar (RFC 5545) export of deadlines: one all-day event each, with a UID that stays the same
for the same deadline so that a calendar re-importing the file updates events instead of doubling them."""

import hashlib
from datetime import date, timedelta

from ipcli.explain import citation
from ipcli.i18n import t
from ipcli.output import display
from ipcli.rules.catalog import RULES


def _escape(text) -> str:
    return (str(text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545 §3.1)."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _uid(row: dict) -> str:
    # A notice is identified by its date too: a right may have two open notices of one kind.
    parts = [row["kind"], row["right_type"], row["right_no"], str(row["filing_id"] or "")]
    if row["kind"] == "notice_response_due":
        parts.append(row["due_on"])
    return hashlib.sha1("/".join(parts).encode()).hexdigest() + "@ipcli"


def _event(row: dict, stamp: str) -> list[str]:
    day = date.fromisoformat(row["due_on"])
    rule = RULES[row["rule"]]
    summary = f"{t('value.' + row['kind'])}: {row['right_no']}" + (f" {row['title']}" if row["title"] else "")
    description = t("ics.description", kind=t("value." + row["kind"]), right=row["right_no"], owner=row["owner"],
                    rule=rule.id, citation=citation(rule), confidence=display("confidence", rule.confidence),
                    provisional=row["provisional"])
    return ["BEGIN:VEVENT", f"UID:{_uid(row)}", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}", "TRANSP:TRANSPARENT",
            "END:VEVENT"]


def render_ics(rows: list[dict], today: date) -> str:
    stamp = f"{today:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ipcli//deadlines//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(t('ics.calendar_name'))}"]
    for row in rows:
        lines.extend(_event(row, stamp))
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
