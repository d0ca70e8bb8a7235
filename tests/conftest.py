import pytest
from click.testing import CliRunner

from ipcli.cli import cli

# Tests see neither the developer's language nor a real "today" unless they ask for it.
BASE_ENV = {"IPCLI_LANG": "en", "IPCLI_TODAY": "2026-11-21", "LANG": "C", "NO_COLOR": None, "IPCLI_DEBUG": None}


@pytest.fixture
def invoke():
    """Run ipcli in-process; the result has .exit_code, .stdout and .stderr apart."""

    def run(*args, env=None):
        runner = CliRunner(env={**BASE_ENV, **(env or {})})
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run
