"""Issue 17 §2, input the way people write it: dates in every form a clerk types (one parser, the rules
layer's parse_date, for options and import columns; batch documents and holiday files stay ISO), --filed,
--paid and --on defaulting to today, amounts in 万 and 亿, classes with Chinese separators, codes by their
Chinese names, global options after the subcommand, and "did you mean" for a mistyped name."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipcli.cli import cli
from ipcli.commands.license import LICENSE_KINDS
from ipcli.db.filings import FILING_TYPES
from ipcli.errors import Rejected
from ipcli.i18n import catalog
from ipcli.i18n.aliases import code_of, names
from ipcli.register import batch_format
from ipcli.register.filings import STATUSES
from ipcli.register.rights import MARK_KINDS
from ipcli.rules import dates, identifiers
from ipcli.rules.calendar import parse_holiday_cn
from ipcli.rules.dates import EARLIEST, LATEST, DateProblem, parse_date, parse_iso_date
from ipcli.rules.fees import REDUCTION_SPELLINGS
from ipcli.rules.patent import PATENT_TYPES
from ipcli.rules.periods import OFFICES, SERVICE_MODES
from ipcli.rules.written import NotAnAmount, parse_amount

from conftest import BASE_ENV, nothing_written, write_beside_results

TRIED = Counter()  # cases tried per class of input, printed when the module ends
TODAY = date.fromisoformat(BASE_ENV["IPCLI_TODAY"])
JUNE_1 = date(2025, 6, 1)
FORMS_EN = "2025-06-01, 2025-6-1, 2025/6/1, 2025.6.1, 20250601, 2025年6月1日 or today"
FORMS_ZH = "2025-06-01、2025-6-1、2025/6/1、2025.6.1、20250601、2025年6月1日 或 今天"


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request):
    yield
    detail = ", ".join(f"{name} {count}" for name, count in sorted(TRIED.items()))
    write_beside_results(request, f"counter input cases tried: {sum(TRIED.values())} ({detail})")


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(result, code: int = 2) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr


# Dates, read by the rules layer

ACCEPTED_DATES = [
    ("2025-06-01", JUNE_1), ("2025-6-1", JUNE_1), ("2025/6/1", JUNE_1), ("2025.6.1", JUNE_1), ("20250601", JUNE_1),
    ("2025年6月1日", JUNE_1), ("2025/06/01", JUNE_1), ("2025.06.01", JUNE_1), ("2025-06-1", JUNE_1),
    ("2025年06月01日", JUNE_1), ("2025 年 6 月 1 日", JUNE_1), ("２０２５年６月１日", JUNE_1), ("２０２５－０６－０１", JUNE_1),
    ("２０２５／６／１", JUNE_1), ("２０２５．６．１", JUNE_1), ("２０２５０６０１", JUNE_1), ("  2025-06-01\t", JUNE_1),
    ("\u30002025年6月1日\u3000", JUNE_1), ("2021/4/6", date(2021, 4, 6)), ("1980-1-1", EARLIEST),
    ("2199/12/31", LATEST), ("2024/2/29", date(2024, 2, 29)), ("20000229", date(2000, 2, 29)),
]
TODAY_WORDS = ["today", "今天", "Today", "TODAY", " 今天 ", "ｔｏｄａｙ", "\u3000today"]
REFUSED_DATES = [
    ("2025-02-30", dates.NOT_A_CALENDAR_DATE), ("2025/2/30", dates.NOT_A_CALENDAR_DATE),
    ("20250230", dates.NOT_A_CALENDAR_DATE), ("2025年2月30日", dates.NOT_A_CALENDAR_DATE),
    ("2025-13-01", dates.NOT_A_CALENDAR_DATE), ("2025-00-10", dates.NOT_A_CALENDAR_DATE),
    ("2025.1.0", dates.NOT_A_CALENDAR_DATE), ("2027-02-29", dates.NOT_A_CALENDAR_DATE),
    ("1900/2/29", dates.NOT_A_CALENDAR_DATE),
    ("6/1/2025", dates.AMBIGUOUS), ("01.06.2025", dates.AMBIGUOUS), ("1-6-2025", dates.AMBIGUOUS),
    ("25-6-1", dates.AMBIGUOUS), ("25/06/01", dates.AMBIGUOUS), ("12/11/10", dates.AMBIGUOUS),
    ("1979-12-31", dates.OUT_OF_RANGE), ("2200-01-01", dates.OUT_OF_RANGE), ("19791231", dates.OUT_OF_RANGE),
    ("1979年12月31日", dates.OUT_OF_RANGE),
    ("2025-6/1", dates.NOT_ISO_FORMAT), ("2025-6", dates.NOT_ISO_FORMAT), ("2025年6月", dates.NOT_ISO_FORMAT),
    ("2025年6月1", dates.NOT_ISO_FORMAT), ("202561", dates.NOT_ISO_FORMAT), ("2025061", dates.NOT_ISO_FORMAT),
    ("12025-01-01", dates.NOT_ISO_FORMAT), ("2025-001-01", dates.NOT_ISO_FORMAT), ("", dates.NOT_ISO_FORMAT),
    ("   ", dates.NOT_ISO_FORMAT), ("tomorrow", dates.NOT_ISO_FORMAT), ("明天", dates.NOT_ISO_FORMAT),
    ("2025-W01-1", dates.NOT_ISO_FORMAT), ("2025-06-01T00:00", dates.NOT_ISO_FORMAT),
    ("٢٠٢٥-٠٦-٠١", dates.NOT_ISO_FORMAT), ("2025-06-01 2025-06-02", dates.NOT_ISO_FORMAT),
    ("2025—6—1", dates.NOT_ISO_FORMAT), ("2025_6_1", dates.NOT_ISO_FORMAT), ("2025-1-123", dates.NOT_ISO_FORMAT),
    ("to day", dates.NOT_ISO_FORMAT), ("2025年6月1日今天", dates.NOT_ISO_FORMAT),
]


@pytest.mark.parametrize("text, expected", ACCEPTED_DATES)
def test_a_date_written_as_people_write_it_is_read(text, expected):
    TRIED["dates accepted"] += 1
    assert parse_date(text) == expected
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", TODAY_WORDS)
def test_today_is_the_today_given_and_nothing_without_one(text):
    TRIED["today words"] += 1
    assert parse_date(text, today=TODAY) == TODAY
    with pytest.raises(DateProblem) as problem:
        parse_date(text)
    assert problem.value.kind == dates.NOT_ISO_FORMAT


@pytest.mark.parametrize("text, kind", REFUSED_DATES)
def test_an_ambiguous_or_impossible_date_is_refused_with_its_reason(text, kind):
    TRIED["dates refused"] += 1
    with pytest.raises(DateProblem) as problem:
        parse_date(text, today=TODAY)
    assert problem.value.kind == kind


@pytest.mark.parametrize("text", [text for text, _ in ACCEPTED_DATES if text != "2025-06-01"] + ["today"])
def test_machine_formats_read_iso_only(text):
    """Batch documents and holiday files are written by programs: one form, YYYY-MM-DD."""
    TRIED["machine dates refused"] += 1
    with pytest.raises(DateProblem) as problem:
        parse_iso_date(text)
    assert problem.value.kind == dates.NOT_ISO_FORMAT
    assert parse_iso_date("2025-06-01") == JUNE_1
    with pytest.raises(DateProblem, match=dates.NOT_A_CALENDAR_DATE):
        parse_iso_date("2025-02-30")


_FULL_WIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


def written(day: date, form: str, padded: bool, wide: bool, space: str) -> str:
    month, day_ = (f"{day.month:02}", f"{day.day:02}") if padded else (str(day.month), str(day.day))
    text = {"-": f"{day.year}-{month}-{day_}", "/": f"{day.year}/{month}/{day_}", ".": f"{day.year}.{month}.{day_}",
            "compact": day.isoformat().replace("-", ""), "年月日": f"{day.year}年{month}月{day_}日"}[form]
    return space + (text.translate(_FULL_WIDTH) if wide else text) + space


@settings(max_examples=400)
@given(day=st.dates(EARLIEST, LATEST), form=st.sampled_from(["-", "/", ".", "compact", "年月日"]),
       padded=st.booleans(), wide=st.booleans(), space=st.sampled_from(["", " ", "\t", "\u3000"]))
def test_every_form_of_a_date_reads_as_its_iso_form(day, form, padded, wide, space):
    TRIED["date forms property"] += 1
    assert parse_date(written(day, form, padded, wide, space)) == parse_date(day.isoformat()) == day


# Dates, through the command line

@pytest.mark.parametrize("text, expected", ACCEPTED_DATES)
def test_a_date_option_takes_every_form(invoke, text, expected):
    TRIED["dates accepted (commands)"] += 1
    assert json.loads(ok(invoke("calc", "workday", text, "--format", "json")))["date"] == expected.isoformat()


@pytest.mark.parametrize("text", TODAY_WORDS)
def test_today_on_the_command_line_is_the_today_of_the_command_line(invoke, text):
    TRIED["today words (commands)"] += 1
    assert json.loads(ok(invoke("calc", "workday", text, "--format", "json")))["date"] == TODAY.isoformat()
    shown = ok(invoke("--today", "2025/6/1", "calc", "workday", text, "--format", "json"))
    assert json.loads(shown)["date"] == "2025-06-01"
    assert json.loads(ok(invoke("--today", text, "calc", "workday", "today", "--format", "json")))["date"]


@pytest.mark.parametrize("lang, not_a_date, ambiguous, impossible", [
    ("en", f"'2025-6' is not a date; write {FORMS_EN}",
     f"'6/1/2025' could be more than one date; write the year first, in four digits: {FORMS_EN}",
     "2025-02-30 is not a calendar date"),
    ("zh", f"'2025-6' 不是日期；请写作 {FORMS_ZH}",
     f"'6/1/2025' 可能指不止一个日期；请把四位年份写在最前：{FORMS_ZH}",
     "2025-02-30 不是有效的日历日期"),
])
def test_a_refused_date_shows_the_forms_accepted(invoke, register, lang, not_a_date, ambiguous, impossible):
    for text, message in (("2025-6", not_a_date), ("6/1/2025", ambiguous), ("2025-02-30", impossible)):
        TRIED["dates refused (commands)"] += 2
        stderr = refused(invoke("--lang", lang, "calc", "workday", text))
        invalid = "ipcli：错误：DATE 的值无效：" if lang == "zh" else "ipcli: error: invalid value for DATE: "
        assert stderr == f"{invalid}{message}\n"
        stderr = refused(invoke("--lang", lang, "renew", "add", "12345678", "--filed", text))
        assert message in stderr and "--filed" in stderr
    assert nothing_written(register)  # bad input writes nothing


@pytest.mark.parametrize("text, kind", REFUSED_DATES)
def test_every_refused_date_is_a_usage_error(invoke, text, kind):
    TRIED["dates refused (commands)"] += 1
    stderr = refused(invoke("calc", "workday", text))
    key_words = {dates.NOT_ISO_FORMAT: FORMS_EN, dates.AMBIGUOUS: FORMS_EN,
                 dates.NOT_A_CALENDAR_DATE: "is not a calendar date", dates.OUT_OF_RANGE: "1980-01-01..2199-12-31"}
    assert key_words[kind] in stderr


MARK_HEADER = "reg_no,classes,kind,registered_on,term_starts_on\n"


def test_an_import_reads_dates_kinds_and_classes_as_people_write_them(invoke, tmp_path):
    """Excel writes 2021/4/6; a clerk writes 集体 and 9、35."""
    rows = [("7001840", "9、35", "集体", "2021/4/6", "2021年4月6日"), ("7001841", "９，３５", "普通商标", "20210406", ""),
            ("7001842", "9 35", "证明", "２０２１.４.６", "2021-4-6")]
    path = tmp_path / "marks.csv"
    path.write_text(MARK_HEADER + "".join(",".join(f'"{v}"' for v in row) + "\n" for row in rows), encoding="utf-8")
    ok(invoke("-q", "mark", "import", path))
    for (reg_no, _, _, _, _), kind in zip(rows, ("collective", "ordinary", "certification")):
        TRIED["import columns"] += 1
        shown = json.loads(ok(invoke("mark", "show", reg_no, "--format", "json")))
        assert (shown["classes"], shown["kind"], shown["registered_on"], shown["term_starts_on"]) == \
               ([9, 35], kind, "2021-04-06", "2021-04-06")


PATENT_HEADER = "app_no,type,filed_on,granted_on,reduction\n"


def test_a_patent_import_reads_types_and_reductions_in_chinese(invoke, tmp_path):
    rows = [("202010000001.1", "发明", "2020/12/1", "2022年3月1日", "减缴85%", "85"),
            ("202020000001.7", "实用新型专利", "2020.12.1", "", "无", "none"),
            ("202030000001.2", "外观设计", "20201201", "", "开放许可", "none")]
    path = tmp_path / "patents.csv"
    path.write_text(PATENT_HEADER + "".join(",".join(row[:5]) + "\n" for row in rows), encoding="utf-8")
    ok(invoke("-q", "patent", "import", path))
    for app_no, _, _, granted, _, reduction in rows:
        TRIED["import columns"] += 1
        shown = json.loads(ok(invoke("patent", "show", app_no, "--format", "json")))
        assert (shown["filed_on"], shown["granted_on"], shown["reduction"]) == \
               ("2020-12-01", "2022-03-01" if granted else None, reduction)
    assert json.loads(ok(invoke("patent", "show", "202030000001.2", "--format", "json")))["open_license"] is True


@pytest.mark.parametrize("cell, message", [
    ("today", f"'today' is not a date; write {FORMS_EN.replace(', 2025年6月1日 or today', ' or 2025年6月1日')}"),
    ("6/4/2021", "'6/4/2021' could be more than one date"),
    ("2021/2/29", "2021/2/29 is not a calendar date"),
])
def test_an_import_refuses_today_and_ambiguous_dates(invoke, tmp_path, cell, message):
    """A file means the same whichever day it is read: `today` is for the command line only."""
    TRIED["import dates refused"] += 1
    path = tmp_path / "marks.csv"
    path.write_text(MARK_HEADER + f"7001840,9,,{cell},\n", encoding="utf-8")
    stderr = refused(invoke("mark", "import", path), 65)
    assert f"{path}:2: registered_on: {message}" in stderr and "[IMPORT-DATE]" in stderr


def test_a_holiday_file_reads_iso_dates_only():
    TRIED["machine dates refused"] += 1
    with pytest.raises(Rejected) as refusal:
        parse_holiday_cn({"year": 2031, "days": [{"date": "2031/1/1", "isOffDay": True}]})
    assert (refusal.value.key, refusal.value.rule) == ("holiday.bad_date", "R-WORKDAY")
    assert parse_holiday_cn({"year": 2031, "days": [{"date": "2031-01-01", "isOffDay": True}]})


def test_a_batch_document_reads_iso_dates_only(invoke, tmp_path, db_path):
    TRIED["machine dates refused"] += 1
    ok(invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"))
    ok(invoke("-q", "renew", "add", "12345678"))
    ok(invoke("-q", "filing", "set-status", "1", "ready"))
    exported = json.loads(ok(invoke("batch", "export", "--type", "renewal", "--out", tmp_path, "--format", "json")))
    document = json.loads(open(exported["file"], encoding="utf-8").read())
    document["items"][0]["received_on"] = "2026/11/21"
    document["manifest"]["items_sha256"] = batch_format.checksum_of(document["items"])
    path = tmp_path / "slashed.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert "received_on" in refused(invoke("batch", "validate", path), 65)


# --filed, --paid and --on: the counter receives today

def test_a_filing_is_received_today_unless_told(invoke):
    ok(invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"))
    renewal = json.loads(ok(invoke("-q", "renew", "add", "12345678", "--format", "json")))
    assert renewal["received_on"] == TODAY.isoformat()
    pledge = json.loads(ok(invoke("-q", "pledge", "add", "12345678", "--pledgee", "银行", "--amount", "300万",
                                  "--from", "2026-11-01", "--to", "2026-12-01", "--format", "json")))
    assert (pledge["received_on"], pledge["details"]["amount"]) == (TODAY.isoformat(), 3_000_000)
    for status in ("ready", "exported", "submitted", "accepted"):
        moved = json.loads(ok(invoke("-q", "filing", "set-status", str(pledge["id"]), status, "--format", "json")))
        assert moved["status_on"] == TODAY.isoformat()
    release = json.loads(ok(invoke("-q", "pledge", "release", "1", "--format", "json")))
    assert release["details"]["released_on"] == TODAY.isoformat()
    withdrawn = ok(invoke("-q", "filing", "set-status", str(release["id"]), "withdrawn", "--on", "2026年11月23日",
                          "--format", "json"))
    assert json.loads(withdrawn)["status_on"] == "2026-11-23"
    TRIED["defaults to today"] += 4


def test_an_annual_fee_is_paid_today_unless_told(invoke):
    TRIED["defaults to today"] += 1
    ok(invoke("-q", "patent", "add", "202010000001.1", "--filed", "2020-12-01", "--granted", "2022-03-01",
              "--paid-through", "6"))
    paid = json.loads(ok(invoke("-q", "annuity", "pay", "202010000001.1", "--year", "7", "--format", "json")))
    assert paid["received_on"] == TODAY.isoformat()


def test_calc_renewal_is_judged_as_filed_today_unless_told(invoke):
    TRIED["defaults to today"] += 1
    args = ["calc", "renewal", "--registered", "2016-12-10", "--format", "json"]
    assert ok(invoke(*args)) == ok(invoke(*args, "--filed", TODAY.isoformat()))


@pytest.mark.parametrize("args, missing", [
    (["patent", "add", "202010000001.1"], "--filed"),
    (["calc", "patent", "--type", "invention"], "--filed"),
    (["calc", "annuity", "--type", "invention", "--year", "3"], "--filed"),
    (["mark", "add", "12345678", "--classes", "9"], "--registered"),
    (["license", "add", "12345678", "--licensee", "L", "--to", "2027-01-01"], "--from"),
])
def test_a_date_of_the_right_itself_stays_required(invoke, args, missing):
    """A patent's filing date or a mark's registration date is a fact of the right, never today."""
    TRIED["still required"] += 1
    assert refused(invoke(*args)) == f"ipcli: error: missing option {missing}\n"


# Amounts

ACCEPTED_AMOUNTS = [
    ("3000000", "3000000"), ("3,000,000", "3000000"), ("300万", "3000000"), ("300万元", "3000000"),
    ("0.5亿", "50000000"), ("1.5亿元", "150000000"), ("３０００", "3000"), ("３００万", "3000000"),
    ("３，０００，０００", "3000000"), ("99.50", "99.5"), ("1,234.56", "1234.56"), ("1.23456万", "12345.6"),
    ("1.234567万", "12345.67"), ("0.0000000001亿", "0.01"), ("¥3000", "3000"), ("￥3,000", "3000"),
    ("3000元", "3000"), (" 300 万 ", "3000000"), ("0", "0"), ("12", "12"), ("1,000", "1000"),
]
REFUSED_AMOUNTS = ["", "-1", "1,00", "30,00,000", "1.234", "1.2345678万", "1.00000000001亿", "1e3", "3百万",
                   "300万万", "万", "元", "abc", "1.", ".5", "inf", "nan", "٣٠٠", "300千", "3 000", "3,000.5.5",
                   "300万亿", "+5", "3,0000"]


@pytest.mark.parametrize("text, expected", ACCEPTED_AMOUNTS)
def test_an_amount_written_as_people_write_it_is_read_exactly(text, expected):
    TRIED["amounts accepted"] += 1
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", REFUSED_AMOUNTS)
def test_a_text_that_is_no_amount_to_the_fen_is_refused(text):
    TRIED["amounts refused"] += 1
    with pytest.raises(NotAnAmount):
        parse_amount(text)


@pytest.mark.parametrize("text, expected", [("300万", 3_000_000), ("0.5亿元", 50_000_000), ("3,000,000", 3_000_000),
                                            ("１２００", 1200), ("99.5", 99.5)])
def test_an_amount_option_takes_the_forms(invoke, text, expected):
    TRIED["amounts accepted (commands)"] += 1
    ok(invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"))
    filing = json.loads(ok(invoke("-q", "license", "add", "12345678", "--licensee", "L", "--from", "2026-11-01",
                                  "--to", "2026-12-01", "--amount", text, "--format", "json")))
    assert filing["details"]["amount"] == expected


@pytest.mark.parametrize("lang, message", [
    ("en", "'300万万' is not an amount in CNY (e.g. 1200, 99.50, 3,000,000, 300万 or 0.5亿元)"),
    ("zh", "'300万万' 不是人民币金额（例如 1200、99.50、3,000,000、300万 或 0.5亿元）"),
])
def test_a_refused_amount_shows_the_forms(invoke, lang, message):
    TRIED["amounts refused (commands)"] += 2
    args = ["pledge", "add", "12345678", "--pledgee", "B", "--from", "2026-11-01", "--to", "2026-12-01", "--amount"]
    assert message in refused(invoke("--lang", lang, *args, "300万万"))
    assert "1000000000000" in refused(invoke("--lang", lang, *args, "100000亿"))  # above a trillion yuan


def test_whole_numbers_in_full_width_digits(invoke):
    TRIED["numbers accepted (commands)"] += 2
    args = ["calc", "renewal", "--registered", "2016-12-10", "--format", "json", "--classes"]
    assert ok(invoke(*args, "３")) == ok(invoke(*args, "3"))
    args = ["calc", "period", "--office", "patent", "--from", "2026-01-05", "--format", "json", "--days"]
    assert ok(invoke(*args, "１５")) == ok(invoke(*args, "15"))
    assert "--days" in refused(invoke(*args, "١٥"))  # other scripts' digits are not read


# Classes

@pytest.mark.parametrize("text", ["9,35", "9，35", "9、35", "9 35", "9  35", "9;35", "9；35", "９，３５", "9, 35",
                                  "9 ,35", " 9、35 ", "35 9", "09、35", "9\u300035", "９　３５"])
def test_classes_listed_as_people_list_them(text):
    TRIED["classes accepted"] += 1
    assert identifiers.nice_classes(text) == (9, 35)


@pytest.mark.parametrize("text, key", [
    ("9,,35", "id.nice_classes_empty_item"), ("9、、35", "id.nice_classes_empty_item"),
    ("9,35,", "id.nice_classes_empty_item"), ("、9", "id.nice_classes_empty_item"),
    ("9 35 9", "id.nice_classes_duplicate"), ("9、09", "id.nice_classes_duplicate"),
    ("9/35", "id.nice_class_format"), ("9.35", "id.nice_class_format"), ("九", "id.nice_class_format"),
    ("９，４６", "id.nice_class_range"), ("0 9", "id.nice_class_range"), ("\u3000", "id.nice_classes_empty"),
])
def test_classes_refused(text, key):
    TRIED["classes refused"] += 1
    with pytest.raises(Rejected) as refusal:
        identifiers.nice_classes(text)
    assert (refusal.value.key, refusal.value.rule) == (key, "ID-NICE-CLASS")


@pytest.mark.parametrize("classes", ["9、35", "９，３５", "9 35"])
def test_mark_add_takes_classes_as_people_list_them(invoke, classes):
    TRIED["classes accepted (commands)"] += 1
    mark = json.loads(ok(invoke("mark", "add", "12345678", "--registered", "2016年12月10日", "--classes", classes,
                                "--format", "json", "-q")))
    assert (mark["classes"], mark["registered_on"]) == ([9, 35], "2016-12-10")


# Codes by their Chinese names

# The words of ipcli.i18n.aliases.WORDS; the zh labels, which the catalog may change, are read as
# test_every_name_of_every_choice_means_its_code_alone checks.
ALIASES = [
    (MARK_KINDS, "普通", "ordinary"), (MARK_KINDS, "集体", "collective"), (MARK_KINDS, "证明", "certification"),
    (MARK_KINDS, "ORDINARY", "ordinary"), (MARK_KINDS, " 集体 ", "collective"),
    (LICENSE_KINDS, "独占", "exclusive"), (LICENSE_KINDS, "排他", "sole"), (LICENSE_KINDS, "普通", "ordinary"),
    (LICENSE_KINDS, "普通许可", "ordinary"), (("assignment", "transmission"), "转让", "assignment"),
    (FILING_TYPES, "续展", "renewal"), (FILING_TYPES, "转让", "transfer"), (FILING_TYPES, "许可备案", "license"),
    (FILING_TYPES, "licence", "license"), (FILING_TYPES, "质押登记", "pledge"),
    (FILING_TYPES, "质押延期", "pledge_extension"), (FILING_TYPES, "质押变更", "pledge_change"),
    (FILING_TYPES, "质押注销", "pledge_release"),
    (STATUSES, "已受理", "received"), (STATUSES, "收件", "received"), (STATUSES, "待报", "ready"),
    (STATUSES, "导出", "exported"), (STATUSES, "已提交", "submitted"), (STATUSES, "核准", "accepted"),
    (STATUSES, "驳回", "rejected"), (STATUSES, "撤回", "withdrawn"),
    (PATENT_TYPES, "发明", "invention"), (PATENT_TYPES, "实用新型", "utility"), (PATENT_TYPES, "外观设计", "design"),
    (PATENT_TYPES, "发明专利", "invention"), (PATENT_TYPES, "外观", "design"),
    (REDUCTION_SPELLINGS, "无", "none"), (REDUCTION_SPELLINGS, "不减缴", "none"), (REDUCTION_SPELLINGS, "减缴85%", "85"),
    (REDUCTION_SPELLINGS, "８５％", "85"), (REDUCTION_SPELLINGS, "70%", "70"), (REDUCTION_SPELLINGS, "开放许可", "open"),
    (OFFICES, "商标", "trademark"), (OFFICES, "专利局", "patent"), (SERVICE_MODES, "电子送达", "electronic"),
    (SERVICE_MODES, "纸件", "paper"), (("window", "type", "month", "owner"), "权利人", "owner"),
]
NOT_ALIASES = [(REDUCTION_SPELLINGS, "未办结"), (MARK_KINDS, "普"), (FILING_TYPES, "商标"), (STATUSES, "已完成"),
               (MARK_KINDS, "ordinary mark"), (PATENT_TYPES, "")]


@pytest.mark.parametrize("codes, word, code", ALIASES)
def test_a_code_is_also_written_by_its_chinese_name(codes, word, code):
    TRIED["names accepted"] += 1
    assert code_of(word, codes) == code


@pytest.mark.parametrize("codes, word", NOT_ALIASES)
def test_a_word_that_names_no_code_of_the_list_is_none(codes, word):
    TRIED["names refused"] += 1
    assert code_of(word, codes) is None


def cli_choices():
    """(where, choices) of every Choice option and argument of the command line."""
    found = []

    def walk(command, path):
        for param in command.params:
            if isinstance(param.type, click.Choice):
                found.append((f"{path} {param.name}", tuple(param.type.choices)))
        if isinstance(command, click.Group):
            context = click.Context(command)
            for name in command.list_commands(context):
                walk(command.get_command(context, name), f"{path} {name}")

    walk(cli, "ipcli")
    return found


def test_every_name_of_every_choice_means_its_code_alone():
    """The same word means one thing wherever a list accepts it; the zh label shown is a name read."""
    for where, choices in cli_choices():
        for code in choices:
            for word in names(code):
                TRIED["names of every choice"] += 1
                assert code_of(word, choices) == code, (where, word)


@pytest.mark.parametrize("args, key, expected", [
    (["mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9", "--kind", "集体"], "kind", "collective"),
    (["calc", "patent", "--type", "发明", "--filed", "2020-12-01"], "type", "invention"),
    (["calc", "annuity", "--type", "实用新型", "--filed", "2020-12-01", "--year", "3", "--reduction", "减缴85%",
      "--granted", "2021-06-01"], "fee_payable", 90),
    (["calc", "period", "--office", "专利局", "--dispatched", "2025-9-12", "--served", "纸件", "--months", "2"],
     "starts_on", "2025-09-27"),
])
def test_commands_take_chinese_names(invoke, args, key, expected):
    TRIED["names accepted (commands)"] += 1
    assert json.loads(ok(invoke(*args, "--format", "json", "-q")))[key] == expected


def test_filings_are_listed_by_chinese_type_and_status(invoke):
    ok(invoke("-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"))
    ok(invoke("-q", "renew", "add", "12345678"))
    ok(invoke("-q", "transfer", "add", "12345678", "--to", "乙公司", "--kind", "转让"))
    for args, types in ((["--status", "已受理"], ["renewal", "transfer"]), (["--type", "续展"], ["renewal"]),
                        (["--type", "转让", "--status", "收件"], ["transfer"]), (["--status", "核准"], [])):
        TRIED["names accepted (commands)"] += 1
        assert [f["type"] for f in json.loads(ok(invoke("filing", "list", *args, "--format", "json")))] == types
    assert refused(invoke("filing", "list", "--status", "已完成")).startswith("ipcli: error: invalid value for --status")
    label = catalog("zh")["value.received"]  # the word a zh listing shows is read back
    assert len(json.loads(ok(invoke("filing", "list", "--status", label, "--format", "json")))) == 2


# Global options after the subcommand

@pytest.fixture
def other_register(tmp_path, invoke):
    path = tmp_path / "other.db"
    ok(invoke("--db", path, "-q", "mark", "add", "12345678", "--registered", "2016-12-10", "--classes", "9"))
    return path


def test_db_and_format_after_the_subcommand(invoke, other_register):
    TRIED["global options after"] += 3
    ok(invoke("-q", "mark", "add", "7001840", "--registered", "2016-12-10", "--classes", "9"))
    assert json.loads(ok(invoke("mark", "list", "--db", other_register, "--format", "json")))[0]["reg_no"] == "12345678"
    assert json.loads(ok(invoke("mark", "list", "--format", "json")))[0]["reg_no"] == "7001840"
    assert json.loads(ok(invoke("mark", "--db", other_register, "list", "--format", "json")))  # after the group
    assert json.loads(ok(invoke("--db", "nowhere.db", "mark", "list", "--db", other_register, "--format", "json")))


def test_deadlines_with_db_and_lang_after_the_subcommand(invoke, other_register):
    TRIED["global options after"] += 1
    shown = ok(invoke("deadlines", "--db", other_register, "--lang", "zh", "--format", "csv", "--days", "30"))
    assert shown.splitlines()[1].startswith("2026-12-09,18,mark_expires,mark,12345678")
    assert "无效" in refused(invoke("deadlines", "--db", other_register, "--lang", "zh", "--days", "x"))


def test_today_after_the_subcommand_is_read_before_the_dates_beside_it(invoke):
    TRIED["global options after"] += 3
    for args in (["calc", "workday", "today", "--today", "2025/6/1"], ["calc", "workday", "--today", "2025/6/1", "今天"],
                 ["--today", "2024-01-01", "calc", "workday", "today", "--today", "2025年6月1日"]):
        assert json.loads(ok(invoke(*args, "--format", "json")))["date"] == "2025-06-01"
    renewal = ok(invoke("calc", "renewal", "--registered", "2016-12-10", "--filed", "today", "--today", "2027-09-01",
                        "--format", "json", "-q"))
    assert json.loads(renewal)["status"] == "too_late"


def test_format_before_the_subcommand_and_the_commands_own_after(invoke):
    TRIED["global options after"] += 2
    assert json.loads(ok(invoke("--format", "json", "calc", "workday", "2025-6-1")))["date"] == "2025-06-01"
    assert ok(invoke("--format", "csv", "calc", "workday", "2025-6-1", "--format", "jsonl")).startswith('{"date"')


def test_quiet_strict_calendar_lang_and_color_after_the_subcommand(invoke):
    TRIED["global options after"] += 5
    loud = invoke("calc", "mark", "--registered", "2020-01-01", "--format", "json")
    assert "warning" in loud.stderr
    assert ok(invoke("calc", "mark", "--registered", "2020-01-01", "--format", "json", "-q")) == loud.stdout
    assert invoke("calc", "mark", "--registered", "2020-01-01", "-q").stderr == ""
    assert refused(invoke("calc", "mark", "--registered", "2020-01-01", "--strict-calendar"), 4)
    assert "不是日期" in refused(invoke("calc", "workday", "x", "--lang", "zh"))
    assert "\x1b[" in ok(invoke("calc", "workday", "2025-6-1", "--format", "table", "--color", "always"))
    assert "\x1b[" not in ok(invoke("--color", "always", "calc", "workday", "2025-6-1", "--format", "table",
                                    "--color", "never"))


def test_an_empty_db_after_the_subcommand_is_refused(invoke):
    TRIED["global options after"] += 1
    assert "--db" in refused(invoke("mark", "list", "--db", ""))


def test_the_lang_given_anywhere_speaks_for_what_comes_before_it(invoke):
    """A refusal of an option before --lang is already in that language."""
    TRIED["global options after"] += 2
    assert refused(invoke("calc", "workday", "2025-1-1", "--fomat", "json", "--lang", "zh")) == \
        "ipcli：错误：没有该选项：--fomat（您是不是要输入 --format？）\n"
    assert refused(invoke("--today", "x", "--lang=zh", "calc", "workday", "1")).startswith("ipcli：错误：--today")


# Did you mean

@pytest.mark.parametrize("args, en, zh", [
    (["dedline"], "no such command: dedline (did you mean deadlines?)", "没有该命令：dedline（您是不是要输入 deadlines？）"),
    (["licence", "add"], "no such command: licence (did you mean license?)",
     "没有该命令：licence（您是不是要输入 license？）"),
    (["filing", "sett-status", "1", "ready"], "no such command: sett-status (did you mean set-status?)",
     "没有该命令：sett-status（您是不是要输入 set-status？）"),
    (["calc", "workday", "2025-1-1", "--fomat", "json"], "no such option: --fomat (did you mean --format?)",
     "没有该选项：--fomat（您是不是要输入 --format？）"),
    (["deadlines", "--dayz", "3"], "no such option: --dayz (did you mean --days?)",
     "没有该选项：--dayz（您是不是要输入 --days？）"),
    (["deadlines", "--tody", "2025-1-1"], "no such option: --tody (did you mean --today?)",
     "没有该选项：--tody（您是不是要输入 --today？）"),
    (["xyzzy"], "no such command: xyzzy", "没有该命令：xyzzy"),
    (["calc", "workday", "2025-1-1", "--qqq"], "no such option: --qqq", "没有该选项：--qqq"),
])
def test_a_mistyped_name_gets_did_you_mean(invoke, args, en, zh):
    TRIED["mistyped names"] += 2
    assert refused(invoke("--lang", "en", *args)) == f"ipcli: error: {en}\n"
    assert refused(invoke("--lang", "zh", *args)) == f"ipcli：错误：{zh}\n"
