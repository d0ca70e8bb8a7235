"""The sample portfolio: a few hundred marks and patents of several owners at several windows, with
filings in every state, dated around "today" so that its deadlines are always near."""

import random
from dataclasses import replace
from datetime import date, timedelta

from ipcli.errors import Rejected
from ipcli.register import filings, lifecycle, notices, rights
from ipcli.register.desk import Desk
from ipcli.rules import identifiers

WINDOWS = ("ZJ-HZ", "ZJ-HZ-XH", "ZJ-HZ-BJ", "ZJ-NB")
COMPANIES = ("杭州西湖茶业有限公司", "浙江钱江电子科技有限公司", "宁波海曙服饰有限公司", "杭州滨江软件股份有限公司",
             "浙江天目山食品有限公司", "宁波港城机械制造有限公司")
PEOPLE = ("张伟", "李娜")
MARK_NAMES = ("龙井春", "钱江", "海曙风", "滨江云", "天目山", "港城", "西子", "明州", "灵隐", "湘湖", "雷峰", "梅家坞")
PATENT_TITLES = ("一种茶叶杀青装置", "电池管理电路", "服装吊牌", "分布式日志系统", "糕点成型模具", "液压夹具",
                 "智能茶具", "数据压缩方法", "包装盒", "数控车床刀架")
BANKS = ("中国工商银行杭州分行", "宁波银行海曙支行", "浙江泰隆商业银行")
MARKS, PATENTS = 240, 80
RNG_SEED = 20260101
OPEN_LICENSE_DECLARED = date(2024, 9, 1)  # the sample's open licences (FEE-OPEN-LICENSE) took effect then


def _uscc(serial: int) -> str:
    from stdnum.cn.uscc import calc_check_digit

    body = f"91330100MA2{serial:06d}"
    return body + calc_check_digit(body)


def _resident_id(serial: int) -> str:
    from stdnum.cn.ric import calc_check_digit

    body = f"33010619850{serial % 9 + 1}1{serial % 9}00{serial % 10}"
    return body + calc_check_digit(body + "0")


def _owners() -> list[tuple[str, str]]:
    return ([(name, _uscc(i + 1)) for i, name in enumerate(COMPANIES)]
            + [(name, _resident_id(i + 1)) for i, name in enumerate(PEOPLE)])


def _app_no(year: int, type_digit: int, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{identifiers.patent_check_char(digits)}"


def _add_marks(desk: Desk, rng: random.Random, owners) -> list[str]:
    numbers = []
    for index in range(MARKS):
        owner, owner_id = owners[index % len(owners)]
        term_start = desk.today - timedelta(days=3650 - rng.randint(-420, 1100))
        renewed = index % 5 == 0
        classes = tuple(sorted(rng.sample(range(1, 46), 1 + index % 3)))
        row = rights.mark_row(
            desk.key_dates, reg_no=str(30000000 + index * 37), classes=classes,
            registered_on=term_start.replace(year=term_start.year - 10) if renewed else term_start,
            term_starts_on=term_start if renewed else None, name=MARK_NAMES[index % len(MARK_NAMES)],
            owner=owner, owner_id=owner_id, kind="collective" if index % 41 == 0 else "ordinary",
            window=WINDOWS[index % len(WINDOWS)])
        desk.store.put_mark(row)
        numbers.append(row["reg_no"])
    return numbers


def _add_patents(desk: Desk, rng: random.Random, owners) -> list[str]:
    numbers = []
    for index in range(PATENTS):
        owner, owner_id = owners[index % len(owners)]
        type_digit = (1, 2, 3)[index % 3]
        oldest = desk.today.year - (14 if type_digit == 1 else 9)
        filed = date(rng.randint(oldest, desk.today.year - 2), rng.randint(1, 12), rng.randint(1, 28))
        if index == 1:  # a utility model whose 10-year term ends next month
            filed = date(desk.today.year - 10, desk.today.month, min(desk.today.day, 28)) + timedelta(days=30)
        years_held = desk.today.year - filed.year
        row = rights.patent_row(
            desk.key_dates, app_no=_app_no(filed.year, type_digit, 100000 + index), filed_on=filed,
            granted_on=filed + timedelta(days=300 + 100 * type_digit), paid_through=max(1, years_held - index % 2),
            title=PATENT_TITLES[index % len(PATENT_TITLES)], owner=owner, owner_id=owner_id,
            reduction=("none", "85", "none")[index % 3], window=WINDOWS[index % len(WINDOWS)],
            open_license_from=max(filed, OPEN_LICENSE_DECLARED) if index % 3 == 2 or index % 7 == 1 else None)
        desk.store.put_patent(row)
        numbers.append(row["app_no"])
    return numbers


def _at_window(desk: Desk, right_no: str) -> Desk:
    """The desk of the window that handles the right: sample filings are received where their right is."""
    return replace(desk, window=desk.right(right_no).row["window"])


LIFECYCLES = ((), ("ready",), ("ready", "exported"), ("ready", "exported", "submitted"),
              ("ready", "exported", "submitted", "accepted"), ("ready", "rejected"), ("withdrawn",))


def _move(desk: Desk, filing_id: int, steps, received: date) -> None:
    for offset, status in enumerate(steps, start=1):
        lifecycle.set_status(desk, filing_id, status, min(received + timedelta(days=offset), desk.today),
                             skipping=lifecycle.any_steps)


def _add_renewals(desk: Desk, marks: list[str]) -> int:
    added = 0
    for reg_no in marks:
        row = desk.store.get_mark(reg_no)
        opens = date.fromisoformat(row["renewal_window_opens_on"])
        grace_end = date.fromisoformat(row["grace_ends_on"])
        if not opens <= desk.today <= grace_end or added >= 3 * len(LIFECYCLES):
            continue
        received = max(opens, desk.today - timedelta(days=20))
        filing_id = filings.add_renewal(_at_window(desk, reg_no), reg_no, received)
        _move(desk, filing_id, LIFECYCLES[added % len(LIFECYCLES)], received)
        added += 1
    return added


def _add_other_filings(desk: Desk, rng: random.Random, marks: list[str], patents: list[str], owners) -> None:
    today = desk.today
    for index, app_no in enumerate(patents[:12]):
        patent = desk.store.get_patent(app_no)
        due = patent["next_annuity_due_on"]
        if due and date.fromisoformat(due) <= today:
            try:
                filings.pay_annuity(_at_window(desk, app_no), app_no, patent["next_annuity_year"],
                                    today - timedelta(days=index))
            except Rejected:
                pass  # lapsed past its grace period: the sample keeps it as a lapsed patent
    free = [m for m in marks if desk.store.get_mark(m)["expires_on"] > (today + timedelta(days=800)).isoformat()]
    for index, reg_no in enumerate(free[:7]):
        new_owner, new_id = owners[(index + 3) % len(owners)]
        received = today - timedelta(days=10 + index)
        filing_id = filings.add_transfer(_at_window(desk, reg_no), [reg_no], to=new_owner, to_id=new_id,
                                         to_address="浙江省杭州市", from_address=None, filed=received,
                                         kind="assignment", consent=False)
        _move(desk, filing_id, LIFECYCLES[index], received)
    for index, reg_no in enumerate(free[7:14]):
        received = today - timedelta(days=5 + index)
        filing_id = filings.add_license(_at_window(desk, reg_no), reg_no, licensee=COMPANIES[index % len(COMPANIES)],
                                        starts=received - timedelta(days=30), ends=today + timedelta(days=40 * index),
                                        filed=received, kind=("exclusive", "sole", "ordinary")[index % 3],
                                        amount=50000 * (index + 1), consent=False)
        _move(desk, filing_id, LIFECYCLES[index], received)
    for index, reg_no in enumerate(free[14:21]):
        received = today - timedelta(days=30 + index)
        filing_id = filings.add_pledge(_at_window(desk, reg_no), [reg_no], pledgee=BANKS[index % len(BANKS)],
                                       amount=1_000_000 * rng.randint(1, 20), starts=received,
                                       ends=today + timedelta(days=15 * index + 1), filed=received, debtor=None)
        _move(desk, filing_id, LIFECYCLES[index], received)


def _add_notices_and_patent_licenses(desk: Desk, marks: list[str], patents: list[str]) -> None:
    today = desk.today
    notices.add_notice(desk, marks[1], "refusal_review", dispatched=today - timedelta(days=12), served="electronic")
    notices.add_notice(desk, marks[2], "correction", dispatched=today - timedelta(days=20), served="paper")
    notices.add_notice(desk, patents[1], "reexamination", dispatched=today - timedelta(days=70), served="electronic")
    notices.add_notice(desk, patents[2], "registration", dispatched=today - timedelta(days=40), served="paper")
    done = notices.add_notice(desk, patents[3], "restoration", dispatched=today - timedelta(days=50),
                              served="electronic")
    notices.close_notice(desk, done["id"], today - timedelta(days=3))
    for index, app_no in enumerate(patents[20:23]):
        starts = today - timedelta(days=10 + 30 * index)
        filings.add_license(_at_window(desk, app_no), app_no, licensee=COMPANIES[index], starts=starts,
                            ends=starts + timedelta(days=900), filed=today - timedelta(days=index), kind="ordinary",
                            amount=120000, consent=True)


def load_sample(desk: Desk) -> dict:
    """Fill an empty register with the sample portfolio, in one transaction."""
    with desk.store.transaction():
        if desk.store.count_rights():
            raise Rejected("sample.register_not_empty", rule="SAMPLE-NEW-REGISTER", value=str(desk.store.location))
        rng = random.Random(RNG_SEED)
        owners = _owners()
        marks = _add_marks(desk, rng, owners)
        patents = _add_patents(desk, rng, owners)
        _add_renewals(desk, marks)
        _add_other_filings(desk, rng, marks, patents, owners)
        _add_notices_and_patent_licenses(desk, marks, patents)
        desk.store.journal("sample", "load", None, {"marks": len(marks), "patents": len(patents)})
    return desk.store.summary()
