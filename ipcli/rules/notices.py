"""Response deadlines of office notices and other time limits for acts (RULES.md §3 and §4 "other
limits"), counted by R-PERIOD from the event or from the deemed receipt of the notice."""

from dataclasses import dataclass
from datetime import date

from ipcli.rules.calendar import WorkCalendar
from ipcli.rules.periods import PATENT, TRADEMARK, Period, deemed_receipt, period_deadline


@dataclass(frozen=True)
class NoticeKind:
    office: str
    rule: str
    days: int = 0
    months: int = 0
    years: int = 0
    served: bool = True  # counted from a served notice's receipt; else from an event date (--from)


NOTICE_KINDS = {
    # trademark (TMR 12(1) counting)
    "refusal_review": NoticeKind(TRADEMARK, "R-TM-LIMITS", days=15),          # TML 34
    "correction": NoticeKind(TRADEMARK, "R-TM-LIMITS", days=30),              # TMR 18
    "opposition": NoticeKind(TRADEMARK, "R-TM-LIMITS", months=3, served=False),  # TML 33, from publication
    # patent
    "exam_request": NoticeKind(PATENT, "R-PAT-LIMITS", years=3, served=False),     # PL 35, filing or priority
    "reexamination": NoticeKind(PATENT, "R-PAT-LIMITS", months=3),                # PL 41
    "restoration": NoticeKind(PATENT, "R-PAT-RESTORE", months=2),                  # PR 6
    "registration": NoticeKind(PATENT, "R-PAT-LIMITS", months=2),                  # PR 60, 114
    "pct_national_phase": NoticeKind(PATENT, "R-PAT-LIMITS", months=30, served=False),        # PR 120
    "pct_national_phase_grace": NoticeKind(PATENT, "R-PAT-LIMITS", months=32, served=False),  # PR 120
}


def notice_deadline(calendar: WorkCalendar, kind: str, *, start: date | None = None,
                    dispatched: date | None = None, served: str | None = None) -> Period:
    """The last day to answer: from `start` (an event or a known receipt date), or from the deemed
    receipt of a notice `dispatched` and `served` (R-TM-SERVICE, R-PAT-SERVICE)."""
    spec = NOTICE_KINDS[kind]
    steps = ()
    if dispatched is not None:
        start, steps = deemed_receipt(spec.office, dispatched, served)
    return period_deadline(calendar, spec.office, start, days=spec.days, months=spec.months, years=spec.years,
                           steps=steps)
