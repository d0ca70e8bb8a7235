"""Hostile network peers (issue 16, items 2, 6, 8 and 16): servers on 127.0.0.1 that redirect, trickle,
flood, answer with long or control-laden words, or echo the secrets they were sent. Every digest webhook,
`batch submit`, `calendar fetch` and SMTP session must fail in one line with exit 69 within its deadline,
read at most net.MAX_BODY_BYTES, follow no redirect, record nothing as sent, and put no secret, in any
encoding, on stderr or in the register."""

import base64
import json
import os
import re
import socketserver
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from ipcli import delivery, net
from ipcli.commands import calendar as calendar_command
from made_up_notices import HOLIDAYS_2027
from test_batch import at, clerk, export, ok  # noqa: F401 - fixtures used by name
from tests.conftest import on_postgresql, register_sql
from test_digest import (NO_PROXY, TODAY, USER, certificate, database_bytes, free_port, log_rows, robots,  # noqa: F401
                         sample, smtp_env, smtp_server)

DEADLINE = 2          # seconds: the deadline the tests give each request (the commands' own are longer)
TRICKLE_SECONDS = 0.4  # between two bytes of a trickling server: well under every per-read timeout
NO_HANG = 45          # seconds: a run cut off at its deadline ends well before this
FLOOD_BYTES = 3 * 1024 ** 3  # what a flooding server offers, streamed from one small buffer
# What a flooded client may have taken in after the cap: the cap, what the sockets' buffers hold and
# one read.
READ_SLACK = net.MAX_BODY_BYTES + 16 * 1024 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
URL_PASSWORD, URL_TOKEN = "Url-Pa55word-9d1e", "Query-Token-4c7b2a"
SMTP_PASSWORD, UTF8_SMTP_PASSWORD = "Smtp-Pa55-q8Zr", "Smtp-密码-q8Zr"
PATH_KEY = "PathKey0a1b2c3d4e5f"


def encodings(secret: str) -> set[str]:
    """A secret as a server or a message might carry it: as is, percent-encoded, JSON-escaped, in
    base64 (with and without padding, either alphabet), and inside AUTH PLAIN's base64 token."""
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    for data in (raw, b"\0" + USER.encode() + b"\0" + raw, USER.encode() + b"\0" + USER.encode() + b"\0" + raw):
        for encoded in (base64.b64encode(data), base64.urlsafe_b64encode(data)):
            forms |= {encoded.decode(), encoded.decode().rstrip("=")}
    return forms


def assert_hidden(text: str, *secrets: str) -> None:
    for secret in secrets:
        found = sorted(form for form in encodings(secret) if form in text)
        assert not found, (secret, found, text[:2000])


def one_line(result, code: int = 69) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipcli: error: "), result.stderr
    return lines[0]


def timed(run, *args, **kwargs):
    started = time.monotonic()
    result = run(*args, **kwargs)
    return result, time.monotonic() - started


def database_text(register) -> str:
    """What the register holds, as text: its files' bytes (SQLite), or every table's rows (PostgreSQL)."""
    return database_bytes(register).decode("utf-8" if on_postgresql(register) else "latin-1")


# a hostile HTTP server


class Peer:
    """A server on 127.0.0.1 that answers each HTTP request (GET or POST), or each plain TCP connection
    (`http=False`: an SMTP peer), with `act(handler or socket, peer)`. It counts the HTTP requests and
    the bytes of a flood it managed to send; `stop` tells a slow act to give up."""

    def __init__(self, act, http: bool = True):
        self.act, self.requests, self.sent, self.stop = act, 0, 0, threading.Event()
        self.server = (ThreadingHTTPServer if http else socketserver.ThreadingTCPServer)(
            ("127.0.0.1", 0), self._http_handler() if http else self._tcp_handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def _http_handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                peer.requests += 1
                try:
                    peer.act(self, peer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up, as it should
                self.close_connection = True

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        return Handler

    def _tcp_handler(self):
        peer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                try:
                    peer.act(self.request, peer)
                except OSError:
                    pass  # the client hung up

        return Handler

    def smtp_env(self) -> dict:
        """Settings for ipcli to mail through this peer, in plain text without a login."""
        return {"IPCLI_SMTP_HOST": "127.0.0.1", "IPCLI_SMTP_PORT": str(self.port), "IPCLI_SMTP_TLS": "none",
                "IPCLI_MAIL_FROM": "ipcli@example.cn", "IPCLI_SMTP_USER": None, "IPCLI_SMTP_PASSWORD": None}

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    """serve(act, http=True) starts a Peer; all are stopped after the test."""
    peers = []

    def start(act, http: bool = True) -> Peer:
        peers.append(Peer(act, http))
        return peers[-1]

    yield start
    for peer in peers:
        peer.close()


def redirecting(status: int, location: str):
    def act(handler, peer):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return act


def answering(status: int, body: bytes, reason: bytes = b"OK"):
    """An answer written byte for byte, so that its reason phrase can hold what http.server refuses."""
    def act(handler, peer):
        handler.wfile.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                            % (status, reason, len(body)) + body)
    return act


ROBOT_OK = b'{"errcode": 0, "errmsg": "ok"}'


def trickling(part: str):
    """One byte every TRICKLE_SECONDS, of a header that never ends ("head") or of a long body ("body"),
    for at most 90 s."""
    def act(handler, peer):
        if part == "head":
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            data = b"x" * 10_000
        else:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                b"Content-Length: 10000\r\n\r\n")
            data = ROBOT_OK + b" " * (10_000 - len(ROBOT_OK))
        started = time.monotonic()
        for byte in data:
            if peer.stop.is_set() or time.monotonic() - started > 90:
                return
            handler.wfile.write(bytes([byte]))
            time.sleep(TRICKLE_SECONDS)
    return act


def flooding(framing: str, status: int = 200):
    """FLOOD_BYTES of body, never held in memory: declared by Content-Length ("length"), in chunks
    ("chunked"), or until the connection closes ("close")."""
    def act(handler, peer):
        head = {"length": f"Content-Length: {FLOOD_BYTES}", "chunked": "Transfer-Encoding: chunked",
                "close": "Connection: close"}[framing]
        handler.wfile.write(f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n{head}\r\n\r\n".encode())
        block = b" " * 65536
        piece = b"10000\r\n" + block + b"\r\n" if framing == "chunked" else block
        while peer.sent < FLOOD_BYTES and not peer.stop.is_set():
            handler.wfile.write(piece)
            peer.sent += len(block)
    return act


# the commands, pointed at a peer


@pytest.fixture
def digest(sample, register, monkeypatch):  # noqa: F811
    """digest(webhook URL) runs `ipcli digest --webhook` on the sample register, DEADLINE s per request."""
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", DEADLINE)
    return lambda url, *more, env=None: sample("digest", "--webhook", url, *more, env={**NO_PROXY, **(env or {})})


@pytest.fixture
def submit(clerk, tmp_path):  # noqa: F811
    """submit(URL) submits an exported batch of the sample register (one try of DEADLINE s); the
    batch's id is submit.batch_id."""
    batch_id = export(clerk, tmp_path / "out")["batch_id"]

    def run(url, *more, env=None):
        return clerk("batch", "submit", batch_id, "--url", url, "--timeout", DEADLINE, "--retries", 0, *more,
                     env={**NO_PROXY, **(env or {})})

    run.batch_id = batch_id
    run.shown = lambda: ok(clerk("batch", "show", batch_id, "--format", "json"))
    return run


@pytest.fixture
def fetch(invoke, monkeypatch):
    """fetch(URL template) runs `ipcli calendar fetch 2027`, DEADLINE s per request."""
    monkeypatch.setattr(calendar_command, "TIMEOUT_SECONDS", DEADLINE)
    return lambda url, *more, env=None: invoke("calendar", "fetch", "2027", "--url", url, *more,
                                               env={**NO_PROXY, **(env or {})})


def wecom(base: str) -> str:
    return f"wecom+{base}/cgi-bin/webhook/send?key={URL_TOKEN}"


def assert_not_submitted(submit):
    shown = submit.shown()
    assert shown["status"] == "exported" and shown["submitted_to"] is None


def calendar_rows(register) -> list:
    if not (on_postgresql(register) or os.path.exists(register)):
        return []
    return register_sql(register, "SELECT year FROM calendar_years")


# item 2: redirects are never followed


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_robot_that_redirects_is_a_failed_delivery(digest, serve, register, status):
    elsewhere = serve(answering(200, ROBOT_OK))
    target = f"http://someone:{URL_PASSWORD}@localhost:{elsewhere.port}/steal?token={URL_TOKEN}"
    robot = serve(redirecting(status, target))
    line = one_line(digest(wecom(robot.base)))
    assert f"HTTP {status}" in line and f"localhost:{elsewhere.port}" in line, line
    assert robot.requests == 1 and elsewhere.requests == 0
    assert log_rows(register) == []
    assert_hidden(line + database_text(register), URL_PASSWORD, URL_TOKEN)


@pytest.mark.parametrize("status", REDIRECTS)
def test_an_intake_that_redirects_is_a_failed_submit(submit, serve, status):
    elsewhere = serve(answering(202, b"{}"))
    robot = serve(redirecting(status, f"http://localhost:{elsewhere.port}/other?token={URL_TOKEN}"))
    line = one_line(submit(f"{robot.base}/intake"))
    assert f"HTTP {status}" in line and f"localhost:{elsewhere.port}" in line, line
    assert robot.requests == 1 and elsewhere.requests == 0
    assert_not_submitted(submit)
    assert_hidden(line, URL_TOKEN)


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_calendar_download_that_redirects_fails(fetch, serve, register, status):
    elsewhere = serve(answering(200, json.dumps(HOLIDAYS_2027).encode()))
    robot = serve(redirecting(status, f"//localhost:{elsewhere.port}/2027.json"))  # relative to the scheme
    line = one_line(fetch(robot.base + "/{year}.json"))
    assert f"HTTP {status}" in line and f"localhost:{elsewhere.port}" in line, line
    assert robot.requests == 1 and elsewhere.requests == 0
    assert calendar_rows(register) == []


def test_a_redirect_without_location_is_a_failure_too(digest, serve, register):
    robot = serve(answering(302, b"", reason=b"Found"))
    assert "HTTP 302" in one_line(digest(wecom(robot.base)))
    assert log_rows(register) == []


# item 8: a total deadline per request, and capped answers


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_trickling_robot_is_cut_off_at_the_deadline(digest, serve, register, part):
    robot = serve(trickling(part))
    result, seconds = timed(digest, wecom(robot.base))
    line = one_line(result)
    assert seconds < NO_HANG and f"within {DEADLINE} s" in line, (seconds, line)
    assert log_rows(register) == []


def test_a_trickling_intake_is_cut_off_at_the_deadline(submit, serve):
    intake = serve(trickling("head"))
    result, seconds = timed(submit, f"{intake.base}/intake")
    line = one_line(result)
    assert seconds < NO_HANG and f"within {DEADLINE} s" in line, (seconds, line)
    assert_not_submitted(submit)


def test_an_intakes_trickling_body_is_not_waited_for(submit, serve):
    """The status is the intake's answer: its body is not read."""
    intake = serve(trickling("body"))
    result, seconds = timed(submit, f"{intake.base}/intake", "--format", "json")
    assert ok(result)["status"] == "submitted" and seconds < NO_HANG


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_trickling_download_is_cut_off_at_the_deadline(fetch, serve, register, part):
    server = serve(trickling(part))
    result, seconds = timed(fetch, server.base + "/{year}.json")
    line = one_line(result)
    assert seconds < NO_HANG and f"within {DEADLINE} s" in line, (seconds, line)
    assert calendar_rows(register) == []


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_flooding_robot_is_read_no_further_than_the_cap(digest, serve, register, framing):
    robot = serve(flooding(framing))
    line = one_line(digest(wecom(robot.base)))
    assert "larger than 4 MB" in line, line
    assert robot.sent < READ_SLACK and log_rows(register) == []


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_flooding_download_is_read_no_further_than_the_cap(fetch, serve, register, framing):
    server = serve(flooding(framing))
    line = one_line(fetch(server.base + "/{year}.json"))
    assert "larger than 4 MB" in line, line
    assert server.sent < READ_SLACK and calendar_rows(register) == []


@pytest.mark.parametrize("status", [202, 503])
def test_submit_does_not_read_a_flooding_answer(submit, serve, status):
    """An intake's answer is its status: its body, however long, is not read."""
    intake = serve(flooding("chunked", status))
    result = submit(f"{intake.base}/intake", "--format", "json")
    if status == 202:
        assert ok(result)["status"] == "submitted"
    else:
        assert "HTTP 503" in one_line(result)
        assert_not_submitted(submit)
    assert intake.sent < READ_SLACK


def test_memory_stays_bounded_while_a_download_floods(serve, tmp_path):
    """ipcli in its own process, offered 3 GB: its peak memory stays far below what it was offered."""
    server = serve(flooding("chunked"))
    env = {**os.environ, **NO_PROXY, "IPCLI_DB": str(tmp_path / "window.db"), "IPCLI_LANG": "en"}
    # A parent of its own, so that the peak measured is ipcli's alone.
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "ipcli", "calendar", "fetch",
                             "2027", "--url", server.base + "/{year}.json"],
                            env=env, capture_output=True, text=True, timeout=120)
    code, peak_kib = map(int, result.stdout.split())
    assert code == 69 and "larger than 4 MB" in result.stderr, result.stderr
    assert peak_kib < 200 * 1024, peak_kib
    assert server.sent < READ_SLACK


# item 8: SMTP servers that never finish a reply


def trickled_reply(connection, peer):
    started = time.monotonic()
    for byte in b"250-" + b"x" * 10_000:
        if peer.stop.is_set() or time.monotonic() - started > 90:
            return
        connection.sendall(bytes([byte]))
        time.sleep(TRICKLE_SECONDS)


def flooded_greeting(connection, peer):
    """A greeting whose continuation lines never end."""
    line = b"220-" + b"x" * 1000 + b"\r\n"
    while peer.sent < FLOOD_BYTES and not peer.stop.is_set():
        connection.sendall(line * 64)
        peer.sent += len(line) * 64


def trickled_data_reply(connection, peer):
    """A server that takes the message and then says whether it did one byte at a time."""
    reader = connection.makefile("rb")
    connection.sendall(b"220 ready\r\n")
    for line in reader:
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            connection.sendall(b"250 hello\r\n")
        elif verb == b"DATA":
            connection.sendall(b"354 go on\r\n")
            for body_line in reader:
                if body_line == b".\r\n":
                    break
            trickled_reply(connection, peer)
            return
        else:
            connection.sendall(b"250 ok\r\n")


def silent_after_greeting(connection, peer):
    connection.sendall(b"220 ready\r\n")
    peer.stop.wait(90)


@pytest.mark.parametrize("script", [trickled_reply, trickled_data_reply, silent_after_greeting])
def test_a_stalling_mail_server_is_cut_off_at_the_deadline(sample, serve, register, monkeypatch,  # noqa: F811
                                                           script):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", DEADLINE)
    server = serve(script, http=False)
    result, seconds = timed(sample, "digest", "--to", "clerk@example.cn", env=server.smtp_env())
    line = one_line(result)
    # sending a message has DEADLINE s and time for its size at a slow line's pace
    assert seconds < NO_HANG and re.search(r"no complete answer within \d+ s", line), (seconds, line)
    assert log_rows(register) == []


def test_a_flooding_mail_server_is_read_no_further_than_the_cap(sample, serve, register):  # noqa: F811
    server = serve(flooded_greeting, http=False)
    line = one_line(sample("digest", "--to", "clerk@example.cn", env=server.smtp_env()))
    assert "larger than 4 MB" in line, line
    assert server.sent < READ_SLACK and log_rows(register) == []


# item 6: no secret of a URL or of the SMTP login in any message or in the register


BAD_URLS = [
    f"ftp://someone:{URL_PASSWORD}@example.cn/{{year}}?token={URL_TOKEN}",
    f"http://someone:{URL_PASSWORD}@[::1/{{year}}?token={URL_TOKEN}",  # no valid IPv6 address
    f"http://someone:{URL_PASSWORD}@example.cn:port/{{year}}?token={URL_TOKEN}",
    f"someone:{URL_PASSWORD}@example.cn/{{year}}?token={URL_TOKEN}",  # no scheme
    f"http://someone:{URL_PASSWORD}@/{{year}}?token={URL_TOKEN}",  # no host
    f"http://someone:{URL_PASSWORD}@example.cn/{{year}}?sig={URL_TOKEN}#{URL_TOKEN}",  # no key=
]


@pytest.mark.parametrize("url", BAD_URLS[:-1])
def test_bad_submit_urls_are_refused_without_their_secrets(submit, url):
    assert_hidden(one_line(submit(url.replace("{year}", "intake")), code=2), URL_PASSWORD, URL_TOKEN)


@pytest.mark.parametrize("url", BAD_URLS[:-1])
def test_bad_submit_urls_from_the_environment_are_refused_without_their_secrets(clerk, tmp_path, url):  # noqa: F811
    batch_id = export(clerk, tmp_path / "out")["batch_id"]
    result = clerk("batch", "submit", batch_id, env={"IPCLI_SUBMIT_URL": url.replace("{year}", "intake")})
    assert_hidden(one_line(result, code=78), URL_PASSWORD, URL_TOKEN)


@pytest.mark.parametrize("url", BAD_URLS + [f"https://open.feishu.cn/open-apis/bot/v2/hook/{PATH_KEY}"])
def test_bad_webhooks_are_refused_without_their_secrets(invoke, url):
    line = one_line(invoke("digest", "--webhook", url.replace("{year}", "send")), code=2)
    assert_hidden(line, URL_PASSWORD, URL_TOKEN, PATH_KEY)


@pytest.mark.parametrize("url", BAD_URLS[:-1] + [f"http://someone:{URL_PASSWORD}@example.cn/2027?token={URL_TOKEN}"])
def test_bad_calendar_templates_are_refused_without_their_secrets(invoke, url):
    assert_hidden(one_line(invoke("calendar", "fetch", "2027", "--url", url), code=2), URL_PASSWORD, URL_TOKEN)
    result = invoke("calendar", "fetch", "2027", env={"IPCLI_HOLIDAY_URL": url})
    assert_hidden(one_line(result, code=78), URL_PASSWORD, URL_TOKEN)


def with_login(base: str) -> str:
    return base.replace("http://", f"http://someone:{URL_PASSWORD}@")


def test_a_submit_stores_and_shows_its_url_without_secrets(submit, serve, register, tmp_path):
    intake = serve(answering(202, b"{}"))
    result = submit(with_login(intake.base) + f"/intake?token={URL_TOKEN}&v=2", "--format", "json")
    shown = ok(result)
    assert shown["submitted_to"] == f"http://***@127.0.0.1:{intake.port}/intake?token=***&v=***"
    registers = tmp_path.glob("*.db*")
    assert_hidden(result.stdout + result.stderr + "".join(p.read_bytes().decode("latin-1") for p in registers),
                  URL_PASSWORD, URL_TOKEN)


def test_a_download_stores_its_source_without_secrets(fetch, serve, register):
    server = serve(answering(200, json.dumps(HOLIDAYS_2027).encode()))
    result = fetch(with_login(server.base) + f"/{{year}}.json?token={URL_TOKEN}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"] == f"http://***@127.0.0.1:{server.port}/2027.json?token=***"
    assert_hidden(result.stdout + result.stderr + database_text(register), URL_PASSWORD, URL_TOKEN)


def test_a_webhook_keyed_by_its_path_is_logged_without_the_key(digest, serve, register):
    robot = serve(answering(200, ROBOT_OK))
    result = digest(f"wecom+{with_login(robot.base)}/robot/{PATH_KEY}")
    assert result.exit_code == 0, result.stderr
    assert f"to http://***@127.0.0.1:{robot.port}/***" in result.stderr, result.stderr
    assert log_rows(register) and {row[7].split("#")[0] for row in log_rows(register)} == \
        {f"http://***@127.0.0.1:{robot.port}/***"}
    assert_hidden(result.stderr + database_text(register), URL_PASSWORD, PATH_KEY)


def test_servers_echoing_secrets_in_their_reason_leave_none(digest, submit, fetch, serve, register):
    server = serve(answering(403, b"{}", reason=f"nope {URL_TOKEN} {URL_PASSWORD} token={URL_TOKEN}".encode()))
    robot = serve(answering(403, b"{}", reason=f"nope {PATH_KEY} {URL_PASSWORD}".encode()))
    lines = [one_line(digest(f"wecom+{with_login(server.base)}/send?key={URL_TOKEN}")),
             one_line(digest(f"wecom+{with_login(robot.base)}/robot/{PATH_KEY}")),
             one_line(submit(with_login(server.base) + f"/intake?token={URL_TOKEN}")),
             one_line(fetch(with_login(server.base) + f"/{{year}}.json?token={URL_TOKEN}"))]
    assert all("HTTP 403 nope" in line for line in lines), lines
    assert_hidden("\n".join(lines) + database_text(register), URL_PASSWORD, URL_TOKEN, PATH_KEY)


def test_servers_down_show_no_secret(digest, submit, fetch, register):
    down = with_login(f"http://127.0.0.1:{free_port()}")
    lines = [one_line(digest(f"wecom+{down}/robot/{PATH_KEY}")), one_line(submit(f"{down}/intake?token={URL_TOKEN}")),
             one_line(fetch(f"{down}/{{year}}.json?token={URL_TOKEN}"))]
    assert all("Connection refused" in line for line in lines), lines
    assert_hidden("\n".join(lines), URL_PASSWORD, URL_TOKEN, PATH_KEY)


def echoing_authenticator(logins: list):
    """Refuses every login with a 535 that echoes the AUTH exchange: the AUTH PLAIN token, the base64
    of the password as AUTH LOGIN sends it, and the password itself."""
    from aiosmtpd.smtp import AuthResult

    def check(server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login, auth_data.password
        logins.append(mechanism)
        plain = base64.b64encode(b"\0" + login + b"\0" + password).decode()
        message = (f"535-5.7.8 AUTH {mechanism} {plain} {base64.b64encode(password).decode()} refused\r\n"
                   f"535 5.7.8 you said {password.decode()}")
        return AuthResult(success=False, handled=False, message=message)

    return check


@pytest.mark.parametrize("password, excluded, tried", [
    (SMTP_PASSWORD, (), ["PLAIN", "LOGIN"]),  # smtplib tries each mechanism the server offers
    (SMTP_PASSWORD, ("PLAIN",), ["LOGIN"]),
    (UTF8_SMTP_PASSWORD, (), ["PLAIN"]),  # ipcli's own AUTH PLAIN, for UTF-8
])
def test_a_535_echoing_the_auth_exchange_shows_no_password(sample, certificate, register, password,  # noqa: F811
                                                           excluded, tried):
    logins = []
    controller, mailbox, port = smtp_server(certificate, implicit_tls=False, password=password,
                                            check=echoing_authenticator(logins), auth_exclude_mechanism=excluded,
                                            enable_SMTPUTF8=True)
    try:
        result = sample("digest", "--to", "clerk@example.cn", env=smtp_env(port, "starttls", certificate, password))
    finally:
        controller.stop()
    line = one_line(result)
    assert logins == tried and "535" in line and "refused" in line, (logins, line)
    assert_hidden(line + result.stdout + database_text(register), password)
    assert log_rows(register) == [] and mailbox.messages == []


# item 16: a server's words are escaped and cut; register values are literal in robot Markdown


HOSTILE_WORDS = "bad \x1b[31mred\x1b[0m\r\x07over\u202eturned " + "y" * 5000


def assert_tame(line: str) -> None:
    """One short line, its control characters shown as escapes."""
    assert not any(char in line for char in "\x1b\r\x07\u202e\x85"), repr(line)
    assert "\\x1b" in line and line.count("y") <= 80 and len(line) < 400, line


def test_long_reason_phrases_with_control_characters_are_escaped_and_cut(digest, submit, fetch, serve):
    server = serve(answering(500, b"{}", reason=HOSTILE_WORDS.encode()))
    lines = [one_line(digest(wecom(server.base))), one_line(submit(f"{server.base}/intake")),
             one_line(fetch(server.base + "/{year}.json"))]
    for line in lines:
        assert "HTTP 500 bad " in line
        assert_tame(line)


def test_a_robots_long_errmsg_is_escaped_and_cut(digest, serve):
    answer = json.dumps({"errcode": 40001, "errmsg": HOSTILE_WORDS + "\nsecond line"}).encode()
    line = one_line(digest(wecom(serve(answering(200, answer)).base)))
    assert "errcode 40001" in line and "second line" not in line
    assert_tame(line)


def refusing_with_a_long_reply(connection, peer):
    reader = connection.makefile("rb")
    connection.sendall(b"220 ready\r\n")
    for line in reader:
        if line[:4].upper() in (b"EHLO", b"HELO"):
            connection.sendall(b"250 hello\r\n")
        elif line[:4].upper() == b"MAIL":
            words = HOSTILE_WORDS.encode()
            connection.sendall(b"554-" + words + b"\r\n554-more\x1b[2J\r\n554 " + words + b"\r\n")
        else:
            connection.sendall(b"250 ok\r\n")


def test_a_mail_servers_long_multi_line_reply_is_escaped_and_cut(sample, serve, register):  # noqa: F811
    server = serve(refusing_with_a_long_reply, http=False)
    line = one_line(sample("digest", "--to", "clerk@example.cn", env=server.smtp_env()))
    assert "554 bad " in line
    assert_tame(line)
    assert log_rows(register) == []


HOSTILE_OWNERS = ["[点此](http://evil.example/x)", "**bold** _it_ ~~gone~~", "# heading ###", "<a href=x>y</a>",
                  '<font color="warning">red</font>', "![img](http://evil.example/i.png)", "`code`|pipe|",
                  "see www.evil.example or http://evil.example", "back\\slash [x]: http://evil.example"]


def test_register_values_are_literal_in_robot_markdown(invoke, robots, monkeypatch):  # noqa: F811
    day_after = TODAY + timedelta(days=31)
    for number, owner in enumerate(HOSTILE_OWNERS):
        result = invoke("mark", "add", f"3001{number:04d}", "--registered", day_after.replace(year=day_after.year - 10),
                        "--classes", "9", "--name", owner, "--owner", owner)
        assert result.exit_code == 0, result.stderr
    result = invoke("digest", "--webhook", robots.wecom(), env=NO_PROXY)
    assert result.exit_code == 0, result.stderr
    content = robots.requests[0]["json"]["markdown"]["content"]
    values = "\n".join(content.splitlines()[2:-1])  # the owners and items, without ipcli's own words
    assert "](" not in values and "http://" not in values and "www.evil" not in values
    assert not re.search(r"(?<!\\)[<`]|(?<!\\)\*\*bold", values), values
    assert "#### \\[点此\\]\\(http\\://evil.example/x\\)" in content, content
    assert "#### \\# heading \\#\\#\\#" in content and "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~" in content
    for owner in HOSTILE_OWNERS:  # each, unescaped, is the owner again
        assert any(unescaped(line[5:]) == owner for line in content.splitlines() if line.startswith("#### "))


def unescaped(markdown: str) -> str:
    """What a CommonMark renderer shows for text whose ASCII punctuation is backslash-escaped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


# the helpers, on their own


@pytest.mark.parametrize("url, hide_path, shown", [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1", False,
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"),
    ("http://u:p@h:8080/p?a=1&b&c=2&=4&%20x=5#f", False, "http://***@h:8080/p?a=***&***&c=***&***&***#***"),
    ("http://u:p@h/robot/KEY?x=1", True, "http://***@h/***?x=***"),
    ("http://h", True, "http://h"),
    ("http://h/", True, "http://h/"),
    ("u:p@h/x?token=T", False, "***@h/x?token=***"),
    ("http://u:p@[::1/x?token=T", False, "http://***@[::1/x?token=***"),
    ("http://u:p/w@h/x", False, "http://***@h/x"),  # a "/" in the password
    ("wecom+https://u:p@h/send?key=K", False, "wecom+https://***@h/send?key=***"),
    ("not a url at all", False, "not a url at all"),
])
def test_redacted_url(url, hide_path, shown):
    assert net.redacted_url(url, hide_path) == shown


def decodings(text: str) -> list[bytes]:
    """Every base64 decoding of each run of base64 characters in `text`, from each of 4 starting points."""
    found = []
    for run in re.findall(r"[A-Za-z0-9+/_-]+", text):
        for start in range(4):
            part = run[start:]
            part = part[:len(part) - len(part) % 4]
            found += [base64.b64decode(part), base64.urlsafe_b64decode(part)]
    return found


@pytest.mark.parametrize("secret", [SMTP_PASSWORD, UTF8_SMTP_PASSWORD, "a/b+c=d?é"])
def test_the_redactor_hides_every_form_of_a_secret(secret):
    redact = net.Redactor([secret])
    for form in encodings(secret) | {secret.encode().decode("latin-1")}:
        assert "***" in redact(f"<{form}>") and not any(found in redact(f"<{form}>") for found in encodings(secret))
    for prefix in range(6):  # base64 of a text holding the secret, wherever in it the secret starts
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            shown = redact(encode(b"x" * prefix + secret.encode() + b"\0tail").decode())
            assert "***" in shown and not any(secret.encode() in data for data in decodings(shown)), shown


def test_a_request_cut_off_leaves_no_alarm_behind(serve):
    import signal

    before = signal.getsignal(signal.SIGALRM)
    server = serve(trickling("head"))
    with pytest.raises(net.RetryableFailure) as cut:
        net.request("GET", server.base, seconds=1, redact=net.Redactor())
    assert cut.value.key == "net.timeout" and cut.value.__context__ is None
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("text, shown", [
    ("plain words", "plain words"),
    ("a\nb\rc\x1b[2Jd\x07\u202e\x85\u2028e", "a\\nb\\rc\\x1b[2Jd\\x07\\u202e\\x85\\u2028e"),
    ("全角\u3000空格", "全角\u3000空格"),
    ("y" * 100, "y" * 79 + "…"),
])
def test_server_text_is_escaped_and_cut(text, shown):
    assert net.server_text(text, net.Redactor()) == shown


def test_a_mail_servers_connect_timeout_reads_as_a_deadline():
    assert delivery._reason(TimeoutError("timed out")) == f"no complete answer within {delivery.TIMEOUT_SECONDS} s"
