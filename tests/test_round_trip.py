"""A listing of marks or patents, written in any format, imports back into a new register unchanged (issue 18:
CSV, TSV, JSONL and XLSX, the workbook with its translated headers and labels in zh and in en)."""

import json

import pytest

from conftest import runner_on

# Hostile and awkward values beside the sample portfolio: text a spreadsheet would take for a formula, one
# that already starts with the quote that neutralises it, separators, quotes, a newline and a tab in names,
# an 18-digit resident ID that a number cell would round, many classes.
AWKWARD_MARKS = (
    ("40000001", "9,35,42", "=HYPERLINK(\"http://x\",\"y\")", "王五, \"引号\"", "11010519491231002X", "collective"),
    ("40000002", "1", "'=1+1", "行一\n行二\t制表", "91330100MA2000001U", "certification"),
    ("40000003", "45", "-5 stays text", "+86 公司", None, "ordinary"),
)
AWKWARD_PATENTS = (
    ("202410107777.1", "--reduction", "open", "--title", "=SUM(A1)", "--owner", "个人, \"X\""),
    ("201920107777.6", "--granted", "2019-12-20", "--reduction", "85", "--paid-through", "3", "--owner-id",
     "11010519491231002X"),
    ("202230107777.3", "--granted", "2022-09-09", "--reduction", "70", "--open-license", "2024-08-01",
     "--title", "  @开头的名称"),
)
# The keys that a listing holds and an import does not take: what the filings decide.
NOT_IMPORTED = ("pledged",)


@pytest.fixture(scope="module")
def original(module_registers):
    """The sample portfolio and the awkward values, on each backend."""
    db = module_registers()
    invoke = runner_on(db)

    def run(*args):
        result = invoke(*args)
        assert result.exit_code == 0, result.stderr
        return result

    run("sample", "load")
    for reg_no, classes, name, owner, owner_id, kind in AWKWARD_MARKS:
        run("mark", "add", reg_no, "--registered", "2018-03-07", "--classes", classes, "--name", name,
            "--owner", owner, *(("--owner-id", owner_id) if owner_id else ()), "--kind", kind)
    for app_no, *options in AWKWARD_PATENTS:
        run("patent", "add", app_no, "--filed", f"20{app_no[2:4]}-03-01", *options)
    return db


def listed(invoke, kind: str) -> list[dict]:
    result = invoke(kind, "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [{key: value for key, value in row.items() if key not in NOT_IMPORTED} for row in json.loads(result.stdout)]


@pytest.mark.parametrize("kind", ["mark", "patent"])
@pytest.mark.parametrize("fmt, lang", [("csv", "en"), ("tsv", "en"), ("jsonl", "en"), ("xlsx", "zh"), ("xlsx", "en")])
def test_a_listing_imports_back_unchanged(original, module_registers, tmp_path, kind, fmt, lang):
    """Into a new register on the original's backend."""
    export = tmp_path / f"{kind}s.{fmt}"
    written = runner_on(original)(kind, "list", "--format", fmt, "--out", export, env={"IPCLI_LANG": lang})
    assert written.exit_code == 0, written.stderr

    invoke = runner_on(module_registers())
    imported = invoke(kind, "import", export, "--format", "json")
    assert imported.exit_code == 0, imported.stderr
    expected = listed(runner_on(original), kind)
    assert json.loads(imported.stdout)["added"] == len(expected)
    assert listed(invoke, kind) == expected

    again = invoke(kind, "import", export, "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == len(expected)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_classes_are_written_as_the_import_reads_them(original, fmt):
    text = runner_on(original)("mark", "list", "--format", fmt).stdout
    separator = "," if fmt == "csv" else "\t"
    header, *rows = text.splitlines()
    column = header.split(separator).index("classes")
    classes = {row.split(separator)[0]: row.split(separator)[column] for row in rows if row[:1].isdigit()}
    assert classes["40000001"] == "9;35;42"
    assert classes["40000003"] == "45"
