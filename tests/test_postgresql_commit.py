"""A PostgreSQL register's writes as the server sees them: stamped by the server's clock, and a
connection lost around COMMIT reported as an unknown outcome with the write's key, never retried."""

import re
import socket
import threading
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from conftest import BASE_ENV, register_sql
from ipcli.cli import cli

pytestmark = pytest.mark.postgresql
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
FAKE_CLIENT_STAMP = "1999-12-31T23:59:59+08:00"


def run(url: str, *args):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": url})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")


def server_now(url: str) -> datetime:
    return register_sql(url, "SELECT clock_timestamp()")[0][0]


def add_mark(url: str, reg_no: str = "12345678") -> None:
    added = run(url, "mark", "add", reg_no, "--registered", "2016-12-14", "--classes", "9", "--owner", "甲公司")
    assert added.exit_code == 0, added.stderr


def test_rows_are_stamped_by_the_server_clock_once_per_write(postgresql_url, monkeypatch):
    add_mark(postgresql_url)
    # This machine's clock is wrong: nothing written on PostgreSQL may carry its time.
    monkeypatch.setattr("ipcli.db.connection.now_stamp", lambda: FAKE_CLIENT_STAMP)
    before = server_now(postgresql_url).replace(microsecond=0)
    filed = run(postgresql_url, "renew", "add", "12345678", "--filed", "2026-11-20", "--format", "json")
    after = server_now(postgresql_url)
    assert filed.exit_code == 0, filed.stderr
    [(created_at,)] = register_sql(postgresql_url, "SELECT created_at FROM filings")
    journaled = {at for at, in register_sql(postgresql_url, "SELECT at FROM journal WHERE command LIKE '%renew add'")}
    assert STAMP.fullmatch(created_at)
    assert journaled == {created_at}  # one time for the whole transaction
    assert before <= datetime.fromisoformat(created_at) <= after
    shown = run(postgresql_url, "log", "--type", "filing", "--format", "json")
    assert '"at": "' + created_at in shown.stdout


class CommitDropper:
    """A TCP proxy on 127.0.0.1 in front of the test server's unix socket. It forwards every byte until
    the client sends a COMMIT; then it lets the server answer it, drops that answer and both connections:
    the client cannot tell whether its COMMIT took effect."""

    def __init__(self, socket_path: str):
        self.socket_path = socket_path
        self.commits = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.socket_path)
            committed = threading.Event()
            threading.Thread(target=self._to_server, args=(client, server, committed), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client, committed), daemon=True).start()

    def _to_server(self, client, server, committed) -> None:
        tail = b""
        while chunk := _received(client):
            if b"COMMIT\x00" in tail + chunk:  # the query text of a Parse or Query message
                self.commits += 1
                committed.set()  # before the server can answer: else its answer may get through first
                server.sendall(chunk)
                return
            server.sendall(chunk)
            tail = chunk[-8:]
        server.close()

    def _to_client(self, server, client, committed) -> None:
        while chunk := _received(server):
            if committed.is_set():  # the server's answer to the COMMIT: never delivered
                break
            client.sendall(chunk)
        for end in (client, server):
            end.close()

    def close(self) -> None:
        self.listener.close()


def _received(connection) -> bytes:
    try:
        return connection.recv(65536)
    except OSError:
        return b""


def through(proxy: CommitDropper, url: str) -> str:
    """`url` (a unix-socket URL of the test server) reaching the same database through `proxy`."""
    parts = urlsplit(url)
    user = parse_qs(parts.query)["user"][0]
    return f"postgresql://{user}@127.0.0.1:{proxy.port}{parts.path}?sslmode=disable&gssencmode=disable"


@pytest.fixture
def commit_dropper(postgresql_url):
    query = parse_qs(urlsplit(postgresql_url).query)
    proxy = CommitDropper(f"{query['host'][0]}/.s.PGSQL.{query['port'][0]}")
    yield proxy
    proxy.close()


@pytest.mark.parametrize("filing", [
    ("renew", "add", "12345678", "--filed", "2026-11-20"),
    ("pledge", "add", "12345678", "--pledgee", "兴业银行", "--amount", "1000000", "--from", "2026-11-20", "--to",
     "2026-12-10", "--filed", "2026-11-20"),
])
def test_a_connection_lost_at_commit_is_an_unknown_outcome_naming_the_key(postgresql_url, commit_dropper, filing):
    add_mark(postgresql_url)
    result = run(through(commit_dropper, postgresql_url), *filing)
    assert result.exit_code == 74, result.stderr
    assert result.stdout == ""
    found = re.search(r"the outcome is unknown .*the write's key is ([0-9a-f]{32}): "
                      r"`ipcli log --invocation \1` shows it", result.stderr)
    assert found, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("ipcli: error:") == 1
    assert commit_dropper.commits == 1  # never retried
    # The server did commit: the filing is in the register, found by its key.
    key = found.group(1)
    filed = register_sql(postgresql_url, "SELECT f.type FROM filings f JOIN journal j ON j.record_type = 'filing' "
                         "AND j.record_id = CAST(f.id AS TEXT) WHERE j.invocation = ?", key)
    assert filed == [(filing[0].replace("renew", "renewal"),)]
    logged = run(postgresql_url, "log", "--invocation", key, "--format", "json")
    assert logged.exit_code == 0 and f'"invocation": "{key}"' in logged.stdout
