"""Chinese all through (issue 17 §5): one definition per message key, one word per thing, no English in what
a zh user reads (help, tables, show views, errors), machine formats unchanged; and shell completion."""

import json
import re
from collections import defaultdict
from importlib import import_module
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import BASE_ENV, no_register_made, on_postgresql, write_beside_results

from ipcli.cli import cli
from ipcli.i18n import LANGUAGES, area_catalogs, catalog


def catalog_modules(language: str) -> dict[str, dict]:
    """{module: its messages in `language`} for en.py / zh.py and every area module."""
    modules = {f"ipcli/i18n/{language}.py": import_module(f"ipcli.i18n.{language}").MESSAGES}
    modules.update({f"ipcli/i18n/areas/{area}.py": messages[language] for area, messages in area_catalogs().items()})
    return modules


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_defined_once_per_language(language):
    places = defaultdict(list)
    for module, messages in catalog_modules(language).items():
        for key in messages:
            places[key].append(module)
    assert {key: modules for key, modules in places.items() if len(modules) > 1} == {}


def test_each_catalog_module_defines_the_same_keys_in_en_and_zh():
    en = [set(messages) for messages in catalog_modules("en").values()]
    zh = [set(messages) for messages in catalog_modules("zh").values()]
    assert [(sorted(e - z), sorted(z - e)) for e, z in zip(en, zh)] == [([], [])] * len(en)


# One word for one thing: the terms of 商标法, 专利法, their implementing rules and the CNIPA forms.
# Each entry: a variant that must not appear in a zh message, a text it catches, a text in the right terms
# that it must let pass, and the term to write instead.
GLOSSARY = (
    (r"延迟费|延期费", "须缴延迟费", "须缴迟延费", "迟延费 (续展注册迟延费: a renewal in the grace period)"),
    (r"滞纳费", "滞纳费比例", "滞纳金比例", "滞纳金 (the late fee of a patent annual fee)"),
    (r"宽限期", "年费宽限期届满", "年费滞纳期届满；缴纳宽限费",
     "宽展期 (trademark renewal) or 滞纳期 (patent annual fee); 宽限费 is the PCT national phase fee"),
    (r"续期", "商标续期", "商标续展；续展期开始", "续展 / 续展期"),
    (r"年金", "专利年金", "专利年费", "年费"),
    (r"质权(?!人)", "没有质权 #3", "质权人同意；质押登记", "质押 / 质押登记 (注册商标专用权质押登记程序规定, "
     "专利权质押登记办法); 质权人 for the pledgee only"),
    (r"质押人", "质押人名称", "出质人名称", "出质人"),
    (r"许可登记", "许可登记期限", "许可备案期限", "许可备案"),
    (r"减免", "费用减免", "费用减缴；费减", "减缴 / 费减"),
    (r"(?<!SQLite )数据库", "数据库文件", "登记簿文件；不是 SQLite 数据库",
     "登记簿 (the register; 数据库 only in SQLite 数据库, the file format)"),
    (r"撤消", "已撤消", "已撤销；已撤回", "撤销"),
)


def test_zh_catalogs_use_one_word_for_one_thing():
    found = [(key, variant, preferred) for key, text in catalog("zh").items()
             for variant, _, _, preferred in GLOSSARY if re.search(variant, text)]
    assert found == []


@pytest.mark.parametrize("variant, wrong, right, preferred", GLOSSARY)
def test_each_glossary_entry_tells_the_variant_from_the_term(variant, wrong, right, preferred):
    assert re.search(variant, wrong) and not re.search(variant, right)


# --- No English reaches a zh reader -------------------------------------------------------------------

# ASCII that a zh reader may meet: what they type or what names a thing, never an English word.
ALLOWED_TEXT = re.compile("|".join((
    r"(?:https?|postgresql)://\S+",                        # addresses (a register's on PostgreSQL)
    r"`[^`]*`",                                            # a command line quoted for the reader to type
    r"\bipcli(?: [a-z][a-z-]*)*",                          # a command line
    r"(?<![\w-])--?[a-z][a-z0-9-]*",                       # option names
    r"\b[A-Z][A-Z0-9]*(?:[-_][A-Z0-9*]+)+",                # rule ids (R-TM-WINDOW), window codes, env vars
    r"[\w.-]+\.(?:json|jsonl|csv|tsv|html|ics|md|db)\b",   # file names
    r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}",           # timestamps
    r"\b\d{8}-[a-z_]+-[0-9a-f]{6}\b|\b[0-9a-f]{64}\b",       # batch ids, SHA-256 digests
    r"\b[0-9A-Z]*[0-9][0-9A-Z]*\b",                        # identifiers (91330100MA2000002Y)
    r"\bm\d{3}_[a-z_]+",                                   # migration names
    r"(?<![\w-])/[^\s'）]+",                                # file paths
    r"\{[a-z_]+\}",                                         # a placeholder of a template (--url)
    r"YYYY-MM-DD|YYYYTNNNNNNN\.C|YYTNNNNN\.C|Asia/Shanghai|UTF-8|SHA-256|holiday-cn|\dxx",
)))
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]")
# Names of formats, protocols and standards, and the words of the files and addresses ipcli reads; the
# database engines and the PostgreSQL tool a refusal names.
TECHNICAL_WORDS = frozenset({"ipcli", "JSON", "JSONL", "CSV", "TSV", "HTML", "SMTP", "SQLite", "GB", "PCT", "HTTP",
                             "http", "https", "key", "access_token", "wecom", "dingtalk", "GB18030", "Excel",
                             "PostgreSQL", "pg_dump"})


def english_words(text: str, allowed) -> list[str]:
    """The ASCII words of `text` that are neither allowed text nor `allowed` words."""
    return sorted({word for word in WORD.findall(ALLOWED_TEXT.sub(" ", text)) if word not in allowed})


def command_tree():
    """(path, command) of every command and group, the root first."""
    def walk(command, path):
        yield path, command
        if isinstance(command, click.Group):
            context = click.Context(command)
            for name in command.list_commands(context):
                yield from walk(command.get_command(context, name), path + (name,))

    return list(walk(cli, ()))


def words_the_reader_types() -> frozenset[str]:
    """Command names, the codes a choice accepts and the words of metavars (DATE, RIGHT_NO...)."""
    words = set()
    for path, command in command_tree():
        words.update(word for name in path for word in WORD.findall(name))
        context = click.Context(command, info_name="ipcli")
        for param in command.params:
            words.update(WORD.findall(param.make_metavar(context)))
            if isinstance(param.type, click.Choice):
                words.update(param.type.choices)
    return frozenset(words)


def run(db, *args, lang="zh", columns=120):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_LANG": lang, "IPCLI_DB": str(db), "COLUMNS": str(columns)})
    return runner.invoke(cli, [str(arg) for arg in args], catch_exceptions=False, prog_name="ipcli")


def test_every_help_is_chinese(no_register, request):
    allowed = TECHNICAL_WORDS | words_the_reader_types()
    leaks, walked = {}, 0
    for path, _ in command_tree():
        result = run(no_register, *path, "--help", columns=80)
        assert result.exit_code == 0 and result.stderr == ""
        walked += 1
        if found := english_words(result.stdout, allowed):
            leaks[" ".join(("ipcli",) + path)] = found
    assert leaks == {}
    assert no_register_made(no_register)  # help never opens the register
    write_beside_results(request, f"zh help: {walked} commands and groups walked")


def test_every_option_and_argument_has_help_in_both_languages():
    missing = [(" ".join(path), param.name) for path, command in command_tree() for param in command.params
               if not param.__dict__.get("_help_key") or param.__dict__["_help_key"] not in catalog("zh")]
    assert missing == []


def unwrapped(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_click_words_in_help_are_translated(tmp_path):
    root = run(tmp_path / "none.db", "--help").stdout
    assert root.startswith("用法： ipcli [选项] 命令 [参数]...\n")
    assert "\n选项:\n" in root and "\n命令:\n" in root
    assert re.search(r"--help +显示本帮助并退出。", root) and re.search(r"--version +显示版本并退出。", root)
    mark_add = run(tmp_path / "none.db", "mark", "add", "--help").stdout
    assert "用法： ipcli mark add [选项] REG_NO\n" in mark_add
    assert re.search(r"参数:\n  REG_NO +商标注册号。\n", mark_add)
    assert re.search(r"--registered DATE +注册日。 \[必填\]", mark_add)
    assert "可选值：ordinary（普通）、collective（集体）、certification（证明）。[默认：ordinary]" in unwrapped(mark_add)
    assert "[默认：30]" in run(tmp_path / "none.db", "deadlines", "--help").stdout
    fetch = run(tmp_path / "none.db", "calendar", "fetch", "--help").stdout
    assert "（环境变量IPCLI_HOLIDAY_URL）。[默认：https://" in unwrapped(fetch)


def test_english_help_keeps_clicks_words(tmp_path):
    help_text = run(tmp_path / "none.db", "mark", "add", "--help", lang="en").stdout
    assert help_text.startswith("Usage: ipcli mark add [OPTIONS] REG_NO\n")
    assert "Arguments:\n  REG_NO" in help_text and "[default: ordinary]" in help_text
    assert "Values:" not in help_text  # the English labels of mark kinds are their codes
    patent_add = unwrapped(run(tmp_path / "none.db", "patent", "add", "--help", lang="en").stdout)
    assert "Values:invention(invention),utility(utilitymodel),design(design)." in patent_add


@pytest.mark.parametrize("columns", [80, 120])
def test_chinese_help_fits_the_terminal_and_keeps_codes_whole(tmp_path, columns):
    from ipcli.help_format import display_width

    deadlines = run(tmp_path / "none.db", "deadlines", "--help", columns=columns).stdout
    too_wide = [line for path, _ in command_tree()
                for line in run(tmp_path / "none.db", *path, "--help", columns=columns).stdout.splitlines()
                if display_width(line) > columns and any(display_width(char) == 2 for char in line)]
    assert too_wide == []
    for code in ("mark_renewal_window_opens", "patent_annuity_grace_ends", "notice_response_due"):
        assert f"{code}（" in deadlines


@pytest.fixture(scope="module")
def sample(module_registers, tmp_path_factory):
    """The sample register with its windows registered and a batch exported, on each backend; the first
    filing of each type in it."""
    db = module_registers()
    assert run(db, "sample", "load").exit_code == 0
    for code, name, parent in (("ZJ", "浙江省知识产权局", ()), ("ZJ-HZ", "杭州市知识产权服务中心", ("--parent", "ZJ")),
                               ("ZJ-HZ-XH", "西湖区知识产权服务站", ("--parent", "ZJ-HZ"))):
        assert run(db, "window", "add", code, "--name", name, *parent).exit_code == 0
    exported = run(db, "batch", "export", "--type", "renewal", "--all-windows", "--out",
                   tmp_path_factory.mktemp("batches"))
    assert exported.exit_code == 0
    filings = json.loads(run(db, "filing", "list", "--format", "json").stdout)
    first = {}
    for filing in filings:
        first.setdefault(filing["type"], filing["id"])
    return db, first


def register_values(db) -> frozenset[str]:
    """Words the register holds and shows literally: who ran which command (the journal), window codes."""
    journal = json.loads(run(db, "log", "--limit", "100000", "--format", "json").stdout)
    windows = json.loads(run(db, "window", "list", "--format", "json").stdout)
    return frozenset([word for entry in journal for word in WORD.findall(f"{entry['operator']} {entry['command']}")]
                     + [window["code"] for window in windows])


def outputs(db, first_filing: dict, folder: Path) -> dict[str, list]:
    """What a zh clerk reads, by what they typed: every listing and show view of the sample, --explain
    trails, the calculator, and common refusals; the files they name are in `folder`."""
    mark, patent = "30000037", "201210100006.7"
    batch_id = json.loads(run(db, "batch", "list", "--format", "json").stdout)[0]["batch_id"]
    holidays = folder / "2030.json"  # a year no bundled table has yet: its import moves provisional dates
    holidays.write_text(json.dumps({"year": 2030, "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": True},
                                                           {"name": "春节", "date": "2030-02-04", "isOffDay": True}]}))
    views = [["deadlines", "--days", "60"], ["deadlines", "--overdue"], ["expiries", "--days", "365"],
             ["filing", "list"], *(["filing", "show", number] for number in first_filing.values()),
             ["mark", "list"], ["mark", "show", mark], ["patent", "list"], ["patent", "show", patent],
             ["pledge", "list"], ["notice", "list", "--all"], ["log", "--limit", "400"], ["window", "list"],
             *(["stats", "--by", by] for by in ("window", "type", "month", "owner")),
             ["calendar", "status", "--details"], ["calendar", "import", holidays, "--dry-run"],
             ["batch", "list"], ["batch", "show", batch_id], ["db", "check"],
             ["calc", "mark", "--registered", "2016-02-29", "--explain"],
             ["calc", "renewal", "--expires", "2026-01-01", "--filed", "2026-03-01", "--classes", "2", "--explain"],
             ["calc", "patent", "--type", "design", "--filed", "2022-01-01", "--explain"],
             ["calc", "annuity", "--type", "invention", "--filed", "2015-01-01", "--year", "12", "--granted",
              "2017-01-01", "--reduction", "85", "--paid", "2026-02-15", "--explain"],
             ["calc", "period", "--office", "patent", "--dispatched", "2026-01-05", "--served", "paper",
              "--months", "2", "--explain"],
             ["calc", "workday", "2026-10-01", "--explain"]]
    plain = [["stats", "--summary"], ["digest", "--dry-run", "--days", "60"]]
    refusals = [["deadlines", "--dayz"], ["dedline"], ["mark", "add"], ["mark", "add", "30009999"],
                ["deadlines", "--days"], ["deadlines", "--check=3"], ["--lang", "zh"], ["mark", "show", "1"],
                ["filing", "set-status", "1", "sent"], ["filing", "set-status", "x", "ready"],
                ["deadlines", "--since", "2026-02-30"], ["filing", "set-status", first_filing["renewal"], "received"],
                ["filing", "show", "999"], ["renew", "add", mark, "--filed", "2020-01-01"],
                ["notice", "add", mark, "--kind", "reexamination", "--from", "2026-11-01"],
                ["patent", "add", patent, "--type", "design", "--filed", "2012-05-14"],
                ["db", "restore", folder / "missing.db"], ["db", "backup", folder],
                ["pledge", "extend", "999", "--to", "2030-01-01", "--filed", "2026-11-21"]]
    return {"table": [view + ["--format", "table"] for view in views], "text": plain, "refusal": refusals}


def test_every_listing_show_view_and_refusal_is_chinese(sample, tmp_path, request):
    db, first_filing = sample
    shown = TECHNICAL_WORDS | register_values(db) | {"FILE", "YEAR"}  # the metavars of a command to run
    leaks, counts = {}, {}
    for kind, commands in outputs(db, first_filing, tmp_path).items():
        counts[kind] = len(commands)
        for args in commands:
            result = run(db, *args)
            assert (result.exit_code in (0, 3)) == (kind != "refusal"), (args, result.stderr)
            assert kind == "refusal" or result.stdout.strip(), args
            # A refusal names what was typed, and what may be typed instead (a code, a metavar).
            typed = set()
            if kind == "refusal":
                typed = set(WORD.findall(" ".join(map(str, args)))) | words_the_reader_types()
            if found := english_words(result.stdout + result.stderr, shown | typed):
                leaks[" ".join(map(str, args))] = found
    assert leaks == {}
    write_beside_results(request, "zh outputs scanned: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def test_refusals_show_codes_by_their_labels(sample, tmp_path):
    db, first_filing = sample
    accepted = run(db, "filing", "list", "--status", "accepted", "--format", "json")
    number = json.loads(accepted.stdout)[0]["id"]
    assert run(db, "filing", "set-status", number, "ready").stderr == \
        f"ipcli：错误：收件 #{number} 已处于“已核准”状态：不能再改为“待报送” [FILING-LIFECYCLE]\n"
    assert run(db, "notice", "add", "30000037", "--kind", "reexamination", "--from", "2026-11-01").stderr == \
        "ipcli：错误：复审是另一局的期限，不适用于 30000037 [R-PAT-LIMITS]\n"
    assert run(db, "mark", "add").stderr == "ipcli：错误：缺少参数 REG_NO\n"
    assert run(db, "deadlines", "--check=3").stderr == "ipcli：错误：选项 --check 不带值\n"
    assert run(db, "deadlines", "--days").stderr == "ipcli：错误：选项 --days 需要一个值\n"
    assert run(db, "--lang", "zh").stderr == "ipcli：错误：缺少命令：ipcli --help 列出全部命令\n"
    restore = ["db", "restore", *(["--from-sqlite"] if on_postgresql(db) else [])]  # from a register file
    assert run(db, *restore, tmp_path).stderr == f"ipcli：错误：{tmp_path} 是目录：请给出普通文件，或用 - 读取标准输入\n"
    assert run(db, *restore, tmp_path / "missing.db").stderr == \
        f"ipcli：错误：无法读取 {tmp_path / 'missing.db'}：没有该文件或目录\n"
    assert run(db, "filing", "set-status", number, "ready", lang="en").stderr == \
        f"ipcli: error: filing #{number} is already accepted: it cannot become ready [FILING-LIFECYCLE]\n"


@pytest.mark.parametrize("listing", [["deadlines", "--days", "60"], ["deadlines", "--overdue"], ["expiries"],
                                     ["filing", "list"], ["mark", "list"], ["patent", "list"], ["pledge", "list"],
                                     ["notice", "list", "--all"], ["stats", "--by", "type"], ["batch", "list"],
                                     ["window", "list"]])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_machine_formats_are_the_same_in_both_languages(sample, listing, fmt):
    db, _ = sample
    chinese, english = (run(db, *listing, "--format", fmt, lang=lang).stdout for lang in ("zh", "en"))
    assert chinese == english and chinese.strip()


def test_machine_formats_keep_english_keys_and_codes_in_zh(sample):
    db, _ = sample
    filings = json.loads(run(db, "filing", "list", "--format", "json").stdout)
    statuses = {"received", "ready", "exported", "submitted", "accepted", "rejected", "withdrawn"}
    assert {filing["status"] for filing in filings} == statuses
    renewal = next(filing for filing in filings if filing["type"] == "renewal")
    assert set(renewal) >= {"id", "type", "status", "details"}
    assert renewal["details"]["renewal_status"] in ("in_window", "in_grace")
    header = run(db, "filing", "list", "--format", "tsv").stdout.splitlines()[0]
    assert header.split("\t")[:3] == ["id", "type", "status"]


def test_details_and_journal_images_are_labelled_pairs(sample):
    db, first_filing = sample
    # filing show: each detail on a labelled line of its own, a nested one labelled in full (views)
    transfer = run(db, "filing", "show", first_filing["transfer"], "--format", "table").stdout
    assert re.search(r"^受让人地址 +浙江省杭州市$", transfer, re.M) and re.search(r"^种类 +转让$", transfer, re.M)
    assert "{" not in transfer and "assignee" not in transfer
    renewal = run(db, "filing", "show", first_filing["renewal"], "--format", "table", lang="en").stdout
    assert re.search(r"^classes +[\d, ]+$", renewal, re.M) and re.search(r"^late fee +\d+$", renewal, re.M)
    assert re.search(r"^renewal period +in the renewal window$", renewal, re.M)
    journal = run(db, "log", "--type", "filing", "--limit", "1", "--format", "table", "--wide").stdout
    assert "状态：" in journal and "类型：" in journal and '"' not in journal


def test_staff_csv_gives_codes_and_yes_no_in_words(registers, tmp_path):
    sheets = {}
    for lang in ("zh", "en"):
        db = registers()
        run(db, "sample", "load")
        for filing_type in ("renewal", "transfer", "license"):
            exported = run(db, "batch", "export", "--type", filing_type, "--all-windows", "--out", tmp_path / lang,
                           lang=lang)
            assert exported.exit_code == 0
        sheets[lang] = {path.name.split("-")[1]: path.read_text(encoding="utf-8-sig").splitlines()[1]
                        for path in (tmp_path / lang).glob("*.csv")}
        words = catalog(lang)
        assert any(f'"{words[f"value.{period}"]}"' in sheets[lang]["renewal"] for period in ("in_window", "in_grace"))
        assert f'"{words["value.assignment"]}"' in sheets[lang]["transfer"]
        assert any(f'"{words[f"value.{kind}"]}"' in sheets[lang]["license"] for kind in ("exclusive", "sole",
                                                                                         "ordinary"))
        assert f'"{words["value.no"]}"' in sheets[lang]["renewal"]  # paper: no
    assert '"in_window"' not in sheets["zh"]["renewal"] and '"in_grace"' not in sheets["zh"]["renewal"]
    assert "in the renewal window" in sheets["en"]["renewal"] and '"assignment"' not in sheets["zh"]["transfer"]


def test_every_rule_is_cited_in_chinese_words():
    from ipcli.rules.catalog import RULES

    english = {rule: english_words(catalog("zh")[f"citation.{rule}"], {"GB"}) for rule in RULES}
    assert {rule: words for rule, words in english.items() if words} == {}
    assert catalog("zh")["citation.R-TM-TERM"] == "商标法第39条，商标法实施条例第12条第2款"
    assert catalog("en")["citation.R-TM-TERM"] == RULES["R-TM-TERM"].citation


def test_explain_cites_in_the_readers_language(tmp_path):
    args = ("calc", "mark", "--registered", "2016-02-29", "--explain", "--format", "json")
    chinese, english = (json.loads(run(tmp_path / "none.db", *args, lang=lang).stdout) for lang in ("zh", "en"))
    assert chinese["explain"][0]["citation"] == "商标法第39条，商标法实施条例第12条第2款"
    assert english["explain"][0]["citation"] == "TML 39, TMR 12(2)"
    assert [row["confidence"] for row in chinese["explain"]] == [row["confidence"] for row in english["explain"]]


# --- Shell completion (README "Shell completion") ------------------------------------------------------

def complete(tmp_path, instruction: str, words: str = "", cword: str = "", lang: str = "en"):
    env = {**BASE_ENV, "IPCLI_LANG": lang, "IPCLI_DB": str(tmp_path / "none.db"), "_IPCLI_COMPLETE": instruction,
           "COMP_WORDS": words, "COMP_CWORD": cword}
    result = CliRunner(env=env).invoke(cli, [], prog_name="ipcli")
    assert result.exit_code == 0 and result.stderr == ""
    assert not (tmp_path / "none.db").exists()  # completing looks at no register, and makes none
    return result.stdout


@pytest.mark.parametrize("shell, line", [("bash", "complete -o nosort -F _ipcli_completion ipcli"),
                                         ("zsh", "#compdef ipcli"), ("fish", "complete --no-files --command ipcli")])
def test_completion_scripts_for_each_shell(tmp_path, shell, line):
    assert line in complete(tmp_path, f"{shell}_source")


@pytest.mark.parametrize("words, cword, expected", [
    ("ipcli dead", "1", ["plain,deadlines"]),
    ("ipcli filing ", "2", ["plain,list", "plain,revert", "plain,set-status", "plain,show"]),
    ("ipcli deadlines --ov", "2", ["plain,--overdue"]),
    ("ipcli --lang ", "2", ["plain,zh", "plain,en"]),
    ("ipcli --db other.db mark add 30001 --kind ", "7", ["plain,ordinary", "plain,collective", "plain,certification"]),
    ("ipcli filing set-status 1 re", "4", ["plain,ready", "plain,rejected"]),
])
def test_bash_completes_commands_options_and_choices(tmp_path, words, cword, expected):
    assert complete(tmp_path, "bash_complete", words, cword).splitlines() == expected
    assert not (tmp_path / "other.db").exists()


def test_completing_after_an_unknown_command_prints_no_error(tmp_path):
    assert "plain,deadlines" in complete(tmp_path, "bash_complete", "ipcli dedline dead", "2").splitlines()


def test_zsh_completion_describes_commands_in_the_readers_language(tmp_path):
    assert complete(tmp_path, "zsh_complete", "ipcli dead", "1", lang="zh").splitlines() == \
        ["plain", "deadlines", catalog("zh")["help.deadlines"]]


def test_completion_with_a_completion_variable_of_ones_own(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("_MY_COMPLETE", "bash_source")
    monkeypatch.setenv("IPCLI_DB", str(tmp_path / "none.db"))
    with pytest.raises(SystemExit) as exit_:
        cli.main([], prog_name="ipcli", complete_var="_MY_COMPLETE")
    assert exit_.value.code == 0 and "complete -o nosort -F _ipcli_completion ipcli" in capsys.readouterr().out


def test_bash_completes_through_the_installed_script(tmp_path):
    """The README's line, run by bash itself: the script click writes calls `ipcli` back."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    scripts = Path(sys.executable).parent
    if shutil.which("bash") is None or not (scripts / "ipcli").exists():
        pytest.skip("needs bash and the ipcli script beside this Python")
    script = ('eval "$(_IPCLI_COMPLETE=bash_source ipcli)"; COMP_WORDS=(ipcli filing se); COMP_CWORD=2; '
              '_ipcli_completion ipcli; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {"PATH": f"{scripts}:/usr/bin:/bin", "IPCLI_DB": str(tmp_path / "none.db"), "HOME": str(tmp_path)}
    done = subprocess.run(["bash", "--norc", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "set-status\n", "")
    assert not (tmp_path / "none.db").exists()
