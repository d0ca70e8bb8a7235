"""The installed `ipcli` command as a shell or cron job runs it: a real process, real pipes."""

import json
import shutil
import subprocess
import sys

import pytest

IPCLI = shutil.which("ipcli")
ENV = {"PATH": "/usr/bin:/bin", "IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "PYTHONUTF8": "1"}


def run(*args, env=None, **kwargs):
    return subprocess.run([IPCLI, *args], capture_output=True, text=True, env={**ENV, **(env or {})},
                          timeout=60, **kwargs)


def test_ipcli_is_installed_on_path():
    assert IPCLI is not None, "install ipcli first: python -m pip install -e '.[test]'"


def test_installed_command_computes_a_renewal():
    result = run("calc", "renewal", "--registered", "2014-03-07", "--filed", "2024-03-07", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "in_grace"
    assert result.stderr == ""


def test_piped_output_is_tsv():
    result = run("calc", "workday", "2026-02-28")
    assert result.stdout.splitlines()[1].split("\t")[:3] == ["2026-02-28", "true", "2026-02-28"]


def test_version_and_help():
    assert run("--version").stdout.strip().startswith("ipcli ")
    help_text = run("--lang", "zh", "--help").stdout
    assert "用法：" in help_text and "计算法定日期与费用" in help_text


def test_bad_input_is_one_line_without_traceback():
    result = run("calc", "mark", "--registered", "2025-02-30")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "ipcli: error: invalid value for --registered: 2025-02-30 is not a calendar date\n"


def test_closed_pipe_is_quiet():
    with subprocess.Popen([IPCLI, "calc", "patent", "--type", "invention", "--filed", "2004-01-05",
                           "--format", "jsonl", "--explain"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=ENV) as process:
        process.stdout.read(10)
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) in (0, 141)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


HEAVY = ("rich", "requests", "sqlite_utils", "tabulate", "stdnum")
PROBE = """
import sys
from ipcli.cli import cli
code = cli.main(args=sys.argv[1:], prog_name="ipcli", standalone_mode=False)
loaded = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print(json.dumps(loaded), file=sys.stderr)
""".replace("import sys", "import json, sys") % (HEAVY,)


@pytest.mark.parametrize("args", [
    ["--version"],
    ["--help"],
    ["calc", "mark", "--registered", "2014-03-07"],
    ["calc", "patent", "--type", "invention", "--filed", "2019-06-03", "--format", "json", "--explain"],
])
def test_start_up_imports_no_heavy_module(args):
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=ENV,
                            timeout=60)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_debug_shows_traceback_for_internal_errors(tmp_path):
    # A calendar module on the path that fails as it loads makes an unexpected error inside a command.
    (tmp_path / "chinese_calendar.py").write_text("raise RuntimeError('boom')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    args = ("calc", "workday", "2024-02-09")
    quiet = run(*args, env=env)
    assert quiet.returncode == 1
    assert quiet.stderr.startswith("ipcli: error: internal error (RuntimeError: boom)")
    assert quiet.stderr.count("\n") == 1
    loud = run(*args, env={**env, "IPCLI_DEBUG": "1"})
    assert loud.returncode == 1 and "Traceback" in loud.stderr and "RuntimeError: boom" in loud.stderr
