"""Office notices (通知书) and other time limits for an act on a right, with their response deadline."""

from datetime import date

from ipcli.db import notices as db
from ipcli.errors import NotFound, Rejected
from ipcli.register.desk import MARK, Desk
from ipcli.rules.notices import NOTICE_KINDS, notice_deadline
from ipcli.rules.periods import TRADEMARK

OFFICE_OF_RIGHT = {MARK: TRADEMARK, "patent": "patent"}


def add_notice(desk: Desk, right_no: str, kind: str, *, start: date | None = None, dispatched: date | None = None,
               served: str | None = None) -> dict:
    right = desk.right(right_no)
    spec = NOTICE_KINDS[kind]
    if OFFICE_OF_RIGHT[right.type] != spec.office:
        raise Rejected("notice.kind_for_other_office", rule=spec.rule, kind=kind, right=right.number)
    period = notice_deadline(desk.key_dates.calendar, kind, start=start, dispatched=dispatched, served=served)
    notice = {"right_type": right.type, "right_no": right.number, "kind": kind,
              "dispatched_on": dispatched.isoformat() if dispatched else None, "served": served,
              "starts_on": period.starts_on.isoformat(), "deadline_raw": period.deadline_raw.isoformat(),
              "deadline_on": period.deadline_on.isoformat(), "provisional": int(period.provisional),
              "rule": spec.rule}
    with desk.store.transaction():
        desk.check_calendar(period.missing_years)
        notice_id = db.insert_notice(desk.store, notice)
        stored = desk.store.journal_record("notice", notice_id, None)
    return notice_view(stored)


def close_notice(desk: Desk, notice_id: int, done_on: date) -> dict:
    with desk.store.transaction():
        notice = db.get_notice(desk.store, notice_id)
        if notice is None:
            raise NotFound("notice.not_found", rule="NOTICE-UNKNOWN", value=notice_id)
        if notice["status"] == "done":
            raise Rejected("notice.already_done", rule="NOTICE-DONE", value=notice_id, done_on=notice["done_on"])
        db.close_notice(desk.store, notice_id, done_on.isoformat())
        closed = desk.store.journal_record("notice", notice_id, notice)
    return notice_view(closed)


def notice_view(notice: dict) -> dict:
    return {"id": notice["id"], "right_no": notice["right_no"], "right_type": notice["right_type"],
            "kind": notice["kind"], "dispatched_on": notice["dispatched_on"], "served": notice["served"],
            "starts_on": notice["starts_on"], "deadline_raw": notice["deadline_raw"],
            "deadline_on": notice["deadline_on"], "provisional": bool(notice["provisional"]), "rule": notice["rule"],
            "status": notice["status"], "done_on": notice["done_on"]}


def list_notices(desk: Desk, status: str | None) -> list[dict]:
    return [notice_view(n) for n in db.list_notices(desk.store, status)]
