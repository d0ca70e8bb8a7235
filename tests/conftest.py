import pytest
from click.testing import CliRunner

from ipcli.cli import cli

# Tests see neither the developer's language nor a real "today" unless they ask for it.
BASE_ENV = {"IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C", "NO_COLOR": None, "IPCLI_DEBUG": None}


@pytest.fixture(autouse=True)
def language_of_the_environment():
    """A test that sets the language (a zh run in-process) leaves none behind for the next one."""
    yield
    from ipcli import i18n

    i18n.set_language(None)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ipcli.db"


@pytest.fixture
def invoke(db_path):
    """Run ipcli in-process on a fresh database; the result has .exit_code, .stdout and .stderr apart."""

    def run(*args, env=None):
        runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db_path), **(env or {})})
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")

    return run


def write_beside_results(request, line: str) -> None:
    """A line in pytest's own output (the cases a module tried), even while output is captured."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(line)


def report_cases(request, label: str, tried: dict) -> None:
    """The cases a module tried, per class of input, in pytest's own output."""
    total = sum(tried.values())
    detail = ", ".join(f"{name} {count}" for name, count in sorted(tried.items()))
    write_beside_results(request, f"{label} cases tried: {total} ({detail})")
