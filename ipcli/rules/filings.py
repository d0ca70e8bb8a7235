"""The rules a renewal, a licence recordal or a pledge is checked against, once for the counter
(`ipcli renew add`, `license add`, `pledge add`), which refuses the first, and for a batch's items
(`batch validate`, `batch import`), which reports them all. Data in, refusals out: what the register
knows (a right already pledged, lapsed) is passed in, None where the caller cannot know it."""

from dataclasses import dataclass, field
from datetime import date

from ipcli.rules import trademark

MARK, PATENT = "mark", "patent"


@dataclass(frozen=True)
class Refusal:
    """A rule a filing breaks: the message key and its parameters, the rule id, and which of the
    filing's values is at fault (`filed`, `ends`), so that a batch can point at its field."""

    key: str
    rule: str
    params: dict = field(default_factory=dict)
    about: str = "filed"


def renewal_refusals(dates: trademark.MarkDates, filed: date) -> list[Refusal]:
    """R-TM-WINDOW, R-TM-GRACE: filed neither before the window opens nor after the grace period."""
    status = trademark.renewal_status(dates, filed)
    if status not in (trademark.TOO_EARLY, trademark.TOO_LATE):
        return []
    return [Refusal(f"renewal.{status}", trademark.STATUS_RULE[status],
                    {"value": filed, "opens": dates.renewal_window_opens_on, "grace_ends": dates.grace_ends_on})]


def license_refusals(right_type: str, *, starts: date, ends: date, filed: date, due: date,
                     expires: date | None = None) -> list[Refusal]:
    """FILING-TERM; R-TM-LICENSE: a mark's licence within its registration (`expires`), recorded by
    the licence's end (`due` is `ends`); R-PAT-LICENSE: recorded by `due` (patent_license_recordal_due)."""
    refusals = []
    if ends < starts:
        refusals.append(Refusal("license.ends_before_start", "FILING-TERM", {"value": ends, "starts": starts}, "ends"))
    if right_type == MARK and expires is not None and ends > expires:
        refusals.append(Refusal("license.outlasts_registration", "R-TM-LICENSE", {"value": ends, "expires": expires},
                                "ends"))
    if filed > due:
        rule = "R-TM-LICENSE" if right_type == MARK else "R-PAT-LICENSE"
        refusals.append(Refusal("license.recordal_late", rule, {"value": filed, "due": due}))
    return refusals


@dataclass(frozen=True)
class PledgedRight:
    """A right a pledge names: its type, number, last day (None: unknown), and what the register
    knows of it on the filing date (None: the caller does not know)."""

    type: str
    number: str
    term_ends_on: date | None
    pledged: bool | None = None
    lapsed: bool | None = None


def pledge_rule(right_type: str) -> str:
    return "R-TM-PLEDGE" if right_type == MARK else "R-PAT-PLEDGE"


def pledge_refusals(rights: list[PledgedRight], *, starts: date, ends: date) -> list[Refusal]:
    """FILING-TERM; R-TM-PLEDGE, R-PAT-PLEDGE: a right pledged once, in force, and the pledge ends
    within its term."""
    refusals = []
    if ends < starts:
        refusals.append(Refusal("pledge.ends_before_start", "FILING-TERM", {"value": ends, "starts": starts}, "ends"))
    for right in rights:
        rule = pledge_rule(right.type)
        if right.pledged:
            refusals.append(Refusal("pledge.already_pledged", rule, {"value": right.number}, "rights"))
        if right.lapsed:
            refusals.append(Refusal("pledge.right_lapsed", rule, {"value": right.number}, "rights"))
        refusals += pledge_outlasts([right], ends)
    return refusals


def pledge_outlasts(rights: list[PledgedRight], ends: date) -> list[Refusal]:
    """R-TM-PLEDGE, R-PAT-PLEDGE: a pledge (or its extension to `ends`) ends within every right's term."""
    return [Refusal("pledge.outlasts_right", pledge_rule(right.type),
                    {"value": ends, "right": right.number, "ends": right.term_ends_on}, "ends")
            for right in rights if right.term_ends_on is not None and ends > right.term_ends_on]
