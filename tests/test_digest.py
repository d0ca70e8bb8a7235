"""`ipcli digest` against real servers on 127.0.0.1: an aiosmtpd SMTP server with STARTTLS (or implicit
TLS) and authentication, and an HTTP server standing in for the WeCom and DingTalk group robots."""

import base64
import email
import hashlib
import hmac
import ipaddress
import json
import socket
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from ipcli.delivery import Redactor, dingtalk_signature, webhook_destination
from ipcli.register.digest import _aligned, reminder_step
from tests.conftest import on_postgresql, register_sql, register_tables

TODAY = date(2026, 11, 21)  # conftest's IPCLI_TODAY
USER, PASSWORD = "clerk", "s3cret-Pa55-word"
UTF8_PASSWORD = "s3cret-密码-Pa55"
SECRET = "SEC0123456789abcdefDINGTALK"
WECOM_KEY, DING_TOKEN = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", "b0a1c2d3e4f5tokenvalue"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# certificate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost: (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ipcli test SMTP")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# SMTP server


class Mailbox:
    def __init__(self, password: str):
        self.password = password
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def authenticator(mailbox):
    from aiosmtpd.smtp import AuthResult

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == mailbox.password.encode()
        mailbox.logins.append((mechanism, auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    return check


def smtp_server(certificate, implicit_tls: bool, password: str = PASSWORD, check=None, **options):
    """An aiosmtpd server: (controller, mailbox, port). `check` replaces its authenticator, `options` go
    to aiosmtpd's SMTP."""
    import ssl

    from aiosmtpd.controller import Controller

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    mailbox, port = Mailbox(password), free_port()
    # aiosmtpd only knows of TLS it started itself: over implicit TLS it must offer AUTH regardless.
    tls = {"ssl_context": context, "auth_require_tls": False} if implicit_tls else \
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, authenticator=check or authenticator(mailbox),
                            auth_required=True, **tls, **options)
    controller.start()
    return controller, mailbox, port


@pytest.fixture
def smtp(certificate):
    """A STARTTLS server that requires AUTH: (mailbox, environment for ipcli)."""
    controller, mailbox, port = smtp_server(certificate, implicit_tls=False)
    yield mailbox, smtp_env(port, "starttls", certificate)
    controller.stop()


def smtp_env(port, tls, certificate, password=PASSWORD) -> dict:
    return {"IPCLI_SMTP_HOST": "127.0.0.1", "IPCLI_SMTP_PORT": str(port), "IPCLI_SMTP_TLS": tls,
            "IPCLI_SMTP_USER": USER, "IPCLI_SMTP_PASSWORD": password, "IPCLI_MAIL_FROM": "ipcli@example.cn",
            "IPCLI_SMTP_CAFILE": str(certificate[0])}


# webhook server


class Robots:
    """What the robot server received, and what it answers (errcode 0 unless told otherwise)."""

    def __init__(self, base: str):
        self.base = base
        self.requests = []
        self.answer = {"errcode": 0, "errmsg": "ok"}

    def wecom(self) -> str:
        return f"wecom+{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}"

    def dingtalk(self) -> str:
        return f"dingtalk+{self.base}/robot/send?access_token={DING_TOKEN}"


@pytest.fixture
def robots():
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "query": parse_qs(urlsplit(self.path).query),
                                   "json": json.loads(body)})
            answer = json.dumps(state.answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Robots(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


# helpers

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture
def sample(invoke):
    assert invoke("sample", "load").exit_code == 0
    return invoke


def log_rows(register) -> list[tuple]:
    columns = "kind, right_type, right_no, due_on, filing_id, step, channel, recipient"
    return register_sql(str(register), f"SELECT {columns} FROM digest_log ORDER BY id")


def database_bytes(register) -> bytes:
    """What the register holds: its files' bytes (SQLite), or the text of every table's rows (PostgreSQL)."""
    if on_postgresql(register):
        rows = [register_sql(register, f"SELECT * FROM {table}") for table in register_tables(register)]
        return repr(rows).encode("utf-8")
    path = Path(register)
    return b"".join(file.read_bytes() for file in path.parent.glob(path.name + "*"))


def parts(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def expected_steps(invoke, today: date, ladder=(90, 30, 7)) -> set[tuple]:
    """Sent-log keys of what has reached a step at `today`, computed here from `ipcli deadlines`."""
    since = today - timedelta(days=365)
    result = invoke("--today", today, "deadlines", "--overdue", "--since", since, "--days", max(ladder),
                    "--format", "json")
    keys = set()
    for row in json.loads(result.stdout):
        days_left = row["days_left"]
        steps = [s for s in ladder if days_left <= s]
        step = "overdue" if days_left < 0 else (str(min(steps)) if steps else None)
        if step:
            keys.add((row["kind"], row["right_type"], row["right_no"], row["due_on"], row["filing_id"], step))
    return keys


# the message


def test_dry_run_prints_the_digest_and_records_nothing(sample, register):
    first = sample("digest", "--dry-run")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith(f"ipcli deadlines {TODAY}: ")
    assert "== 杭州西湖茶业有限公司 (" in first.stdout and "mark expires (" in first.stdout
    assert "can still be saved" in first.stdout
    assert sample("digest", "--dry-run").stdout == first.stdout
    # A destination without its settings is fine for a look: nothing is sent.
    assert sample("digest", "--dry-run", "--to", "clerk@example.cn").stdout == first.stdout
    assert log_rows(register) == []


def test_digest_counts_match_the_ladder(sample):
    result = sample("digest", "--dry-run")
    keys = expected_steps(sample, TODAY)
    overdue = sum(1 for key in keys if key[-1] == "overdue")
    assert result.stdout.splitlines()[0] == f"ipcli deadlines {TODAY}: {len(keys) - overdue} due, {overdue} overdue"


def test_digest_in_chinese(sample):
    result = sample("--lang", "zh", "digest", "--dry-run")
    assert result.stdout.startswith(f"ipcli 期限提醒 {TODAY}：")
    assert "商标有效期届满" in result.stdout and "仍可挽救" in result.stdout


def test_reminder_step_is_the_smallest_step_reached():
    ladder = (90, 30, 7)
    assert [reminder_step(d, ladder) for d in (120, 91, 90, 31, 30, 8, 7, 0, -1)] == \
        [None, None, "90", "90", "30", "30", "7", "7", "overdue"]


def test_text_table_pads_wide_characters_to_two_columns():
    """Wide and full-width characters take two columns, an em dash one; trailing blanks are cut."""
    headers = ["due on", "title", "overdue", "rule"]
    rows = [["2026-03-02 *", "家具9155", "—", "R-TM-WINDOW"], ["2026-03-10", "Shoes 1", "仍可挽救", ""],
            ["2026-04-01", "ＡＢ全角", "lost", "R-%s"]]
    assert _aligned(headers, [list(column) for column in zip(*rows)]).split("\n") == [
        "due on        title     overdue   rule",
        "------------  --------  --------  -----------",
        "2026-03-02 *  家具9155  —         R-TM-WINDOW",
        "2026-03-10    Shoes 1   仍可挽救",
        "2026-04-01    ＡＢ全角  lost      R-%s"]


# stdout as the destination, and the ladder over time


def add_mark(invoke, expires_in: int):
    """A mark (with a name and owner to escape) whose registration expires `expires_in` days after TODAY."""
    day_after = TODAY + timedelta(days=expires_in + 1)
    registered = day_after.replace(year=day_after.year - 10)  # R-TM-TERM: ten years, to the day before
    result = invoke("mark", "add", "30009999", "--registered", registered, "--classes", "9", "--name", "<b>A&B</b>",
                    "--owner", "Acme & <Sons>", "--format", "json")
    assert json.loads(result.stdout)["expires_on"] == str(TODAY + timedelta(days=expires_in))


def test_each_step_is_reported_once_and_skipped_days_are_caught_up(invoke, register):
    add_mark(invoke, 95)
    printed = {}
    for offset in (0, 5, 6, 70, 71, 90, 96, 97):
        result = invoke("--today", TODAY + timedelta(days=offset), "digest", "--record")
        assert result.exit_code == 0, result.stderr
        printed[offset] = result.stdout
    steps = [row[5] for row in log_rows(register) if row[0] == "mark_expires"]
    assert steps == ["90", "30", "7", "overdue"]
    assert printed[0] == printed[6] == printed[71] == printed[97] == ""
    assert "mark expires (1)" in printed[5] and " 90 " in printed[5]
    assert {row[6:] for row in log_rows(register)} == {("stdout", "")}


def test_quiet_prints_nothing_when_nothing_is_new(invoke):
    add_mark(invoke, 95)
    loud = invoke("digest")
    assert (loud.exit_code, loud.stdout, loud.stderr) == (0, "", "nothing new to report\n")
    quiet = invoke("--quiet", "digest")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_journal_records_each_delivery(invoke):
    add_mark(invoke, 30)
    invoke("digest", "--record")
    entries = [e for e in json.loads(invoke("log", "--format", "json").stdout) if e["record_type"] == "digest"]
    assert [(e["record_id"], e["after"]) for e in entries] == \
        [("stdout", {"channel": "stdout", "items": 1, "steps": {"30": 1}})]


# e-mail


def test_mail_over_starttls_with_auth(sample, smtp, register):
    mailbox, env = smtp
    env = {**env, "IPCLI_MAIL_FROM": "ipcli 提醒 <ipcli@example.cn>"}
    result = sample("digest", "--to", "clerk@example.cn", "--to", "boss@example.cn", env=env)
    assert result.exit_code == 0, result.stderr
    assert mailbox.logins and all(ok for _, login, ok in mailbox.logins)
    assert sorted(rcpt for rcpt, _ in mailbox.messages) == [["boss@example.cn"], ["clerk@example.cn"]]
    message = mailbox.messages[0][1]
    assert message["Subject"].startswith(f"ipcli deadlines {TODAY}: ")
    assert (message["From"].addresses[0].display_name, message["From"].addresses[0].addr_spec) == \
        ("ipcli 提醒", "ipcli@example.cn")
    text, html = parts(message)
    assert text.startswith(message["Subject"]) and "== 杭州西湖茶业有限公司 (" in text
    assert html.startswith("<!DOCTYPE html>") and "<table" in html and "杭州西湖茶业有限公司" in html
    assert "http://" not in html and "https://" not in html  # self-contained
    assert result.stdout == "" and "sent " in result.stderr and "boss@example.cn" in result.stderr
    assert {row[6:] for row in log_rows(register)} == {("email", "clerk@example.cn"), ("email", "boss@example.cn")}
    everything = result.stdout + result.stderr + str(message) + database_bytes(register).decode("utf-8", "replace")
    assert PASSWORD not in everything and PASSWORD.encode() not in database_bytes(register)


def test_html_part_escapes_values(invoke, smtp):
    mailbox, env = smtp
    add_mark(invoke, 30)
    result = invoke("--quiet", "digest", "--to", "clerk@example.cn", env=env)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    text, html = parts(mailbox.messages[0][1])
    assert "<b>A&B</b>" in text and "Acme & <Sons>" in text
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in html and "Acme &amp; &lt;Sons&gt;" in html and "<b>A" not in html


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_over_implicit_tls(invoke, certificate):
    controller, mailbox, port = smtp_server(certificate, implicit_tls=True)
    try:
        add_mark(invoke, 30)
        result = invoke("digest", "--to", "clerk@example.cn", env=smtp_env(port, "ssl", certificate))
    finally:
        controller.stop()
    assert result.exit_code == 0, result.stderr
    assert len(mailbox.messages) == 1 and mailbox.logins[0][2]


def test_refused_login_exits_69_and_records_nothing(sample, smtp, register):
    mailbox, env = smtp
    wrong = "wrong-" + PASSWORD
    result = sample("digest", "--to", "clerk@example.cn", env={**env, "IPCLI_SMTP_PASSWORD": wrong})
    assert result.exit_code == 69
    assert result.stderr.startswith("ipcli: error: delivery to clerk@example.cn failed: 535")
    assert result.stderr.count("\n") == 1
    assert wrong not in result.stderr + result.stdout and PASSWORD not in result.stderr
    assert mailbox.messages == [] and log_rows(register) == []


def test_untrusted_certificate_is_refused(sample, smtp):
    mailbox, env = smtp
    result = sample("digest", "--to", "clerk@example.cn", env={**env, "IPCLI_SMTP_CAFILE": None})
    assert result.exit_code == 69 and "certificate verify failed" in result.stderr
    assert mailbox.messages == []


@pytest.mark.parametrize("unset", ["IPCLI_SMTP_HOST", "IPCLI_MAIL_FROM"])
def test_missing_settings_exit_78_before_sending_anything(sample, smtp, robots, register, unset):
    mailbox, env = smtp
    result = sample("digest", "--to", "clerk@example.cn", "--webhook", robots.wecom(),
                    env={**env, **NO_PROXY, unset: None})
    assert result.exit_code == 78
    assert result.stderr == f"ipcli: error: e-mail delivery needs settings that are not set: {unset}\n"
    assert mailbox.messages == [] and robots.requests == [] and log_rows(register) == []


@pytest.mark.parametrize("setting, value, named", [
    ("IPCLI_SMTP_TLS", "tls13", "IPCLI_SMTP_TLS"),
    ("IPCLI_SMTP_PORT", "smtp", "IPCLI_SMTP_PORT"),
    ("IPCLI_SMTP_USER", None, "IPCLI_SMTP_USER"),
    ("IPCLI_SMTP_CAFILE", "/nonexistent/ca.pem", "IPCLI_SMTP_CAFILE"),
    ("IPCLI_MAIL_FROM", "ipcli at example.cn", "IPCLI_MAIL_FROM"),
])
def test_invalid_settings_exit_78(sample, smtp, setting, value, named):
    _, env = smtp
    result = sample("digest", "--to", "clerk@example.cn", env={**env, setting: value})
    assert result.exit_code == 78 and named in result.stderr and PASSWORD not in result.stderr


def test_password_is_not_sent_in_clear(sample, smtp):
    _, env = smtp
    result = sample("digest", "--to", "clerk@example.cn", env={**env, "IPCLI_SMTP_TLS": "none"})
    assert result.exit_code == 78 and "unencrypted" in result.stderr and PASSWORD not in result.stderr


# webhooks


def test_wecom_payload(sample, robots):
    result = sample("digest", "--webhook", robots.wecom(), env=NO_PROXY)
    assert result.exit_code == 0, result.stderr
    [request] = robots.requests
    assert request["query"] == {"key": [WECOM_KEY]}
    assert set(request["json"]) == {"msgtype", "markdown"} and request["json"]["msgtype"] == "markdown"
    content = request["json"]["markdown"]["content"]
    assert content.startswith(f"### ipcli deadlines {TODAY}: ")
    assert len(content.encode()) <= 4096 and "more: see `ipcli deadlines --overdue`" in content
    assert WECOM_KEY not in result.stderr and "key=***" in result.stderr


def test_dingtalk_payload_is_signed(sample, robots, register):
    before = int(time.time() * 1000)
    result = sample("digest", "--webhook", robots.dingtalk(), env={**NO_PROXY, "IPCLI_DINGTALK_SECRET": SECRET})
    assert result.exit_code == 0, result.stderr
    [request] = robots.requests
    query = request["query"]
    timestamp = int(query["timestamp"][0])
    assert before <= timestamp <= int(time.time() * 1000)
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected] and query["access_token"] == [DING_TOKEN]
    markdown = request["json"]["markdown"]
    assert request["json"]["msgtype"] == "markdown" and markdown["title"].startswith("ipcli deadlines")
    assert markdown["text"].startswith("### " + markdown["title"])
    stored = database_bytes(register)
    assert DING_TOKEN.encode() not in stored and SECRET.encode() not in stored


def test_dingtalk_without_secret_is_not_signed(sample, robots):
    assert sample("digest", "--webhook", robots.dingtalk(), env=NO_PROXY).exit_code == 0
    assert set(robots.requests[0]["query"]) == {"access_token"}


def test_robot_errcode_exits_69_with_the_token_redacted(sample, robots, register):
    robots.answer = {"errcode": 310000, "errmsg": f"sign not match, access_token={DING_TOKEN}"}
    result = sample("digest", "--webhook", robots.dingtalk(), env={**NO_PROXY, "IPCLI_DINGTALK_SECRET": SECRET})
    assert result.exit_code == 69
    assert "errcode 310000" in result.stderr and "access_token=***" in result.stderr
    assert DING_TOKEN not in result.stderr and SECRET not in result.stderr and "sign=" not in result.stderr
    assert result.stderr.count("\n") == 1 and log_rows(register) == []


def test_server_down_exits_69(sample, register):
    url = f"wecom+http://127.0.0.1:{free_port()}/send?key={WECOM_KEY}"
    result = sample("digest", "--webhook", url, env=NO_PROXY)
    assert result.exit_code == 69
    assert "Connection refused" in result.stderr and WECOM_KEY not in result.stderr
    assert log_rows(register) == []


def test_second_run_the_same_day_sends_nothing(sample, smtp, robots):
    mailbox, env = smtp
    args = ("digest", "--to", "clerk@example.cn", "--webhook", robots.wecom(), "--webhook", robots.dingtalk())
    assert sample(*args, env={**env, **NO_PROXY}).exit_code == 0
    assert (len(mailbox.messages), len(robots.requests)) == (1, 2)
    again = sample("--quiet", *args, env={**env, **NO_PROXY})
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert (len(mailbox.messages), len(robots.requests)) == (1, 2)


def test_a_month_later_only_items_at_a_new_step_are_sent(sample, smtp, register):
    mailbox, env = smtp
    later = TODAY + timedelta(days=30)
    assert sample("digest", "--to", "clerk@example.cn", env=env).exit_code == 0
    first = set(row[:6] for row in log_rows(register))
    assert first == expected_steps(sample, TODAY)
    result = sample("--today", later, "digest", "--to", "clerk@example.cn", env=env)
    assert result.exit_code == 0, result.stderr
    second = set(row[:6] for row in log_rows(register)) - first
    assert second and second == expected_steps(sample, later) - first
    subject = mailbox.messages[1][1]["Subject"]
    overdue = sum(1 for key in second if key[-1] == "overdue")
    assert subject == f"ipcli deadlines {later}: {len(second) - overdue} due, {overdue} overdue"


def test_a_failed_destination_is_retried_and_a_delivered_one_is_not(sample, smtp, robots, register):
    mailbox, env = smtp
    args = ("digest", "--to", "clerk@example.cn", "--webhook", robots.wecom())
    robots.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    failed = sample(*args, env={**env, **NO_PROXY})
    assert failed.exit_code == 69 and len(mailbox.messages) == 1 and len(robots.requests) == 1
    assert {row[6] for row in log_rows(register)} == {"email"}
    robots.answer = {"errcode": 0, "errmsg": "ok"}
    retried = sample(*args, env={**env, **NO_PROXY})
    assert retried.exit_code == 0, retried.stderr
    assert len(mailbox.messages) == 1 and len(robots.requests) == 2
    assert robots.requests[0]["json"] == robots.requests[1]["json"]
    assert {row[6] for row in log_rows(register)} == {"email", "wecom"}


# bad input


@pytest.mark.parametrize("args, named", [
    (("--to", "clerk@@example.cn"), "'clerk@@example.cn' is not an e-mail address"),
    (("--to", "clerk@example.cn\nBcc: x@example.cn"), "is not an e-mail address"),
    (("--webhook", "ftp://example.cn/send?key=abc"), "'ftp://example.cn/send?key=***' is not a WeCom"),
    (("--webhook", "https://example.cn/hook"), "'https://example.cn/***' is not a WeCom"),  # a key may be the path
    (("--webhook", "wecom+https:///send?key=abc"), "'wecom+https:///send?key=***' is not a WeCom"),
    (("--ladder", "90,x,7"), "'90,x,7' is not a list of days"),
    (("--ladder", ""), "'' is not a list of days"),
    (("--days", "-1"), "-1 is less than 0"),
])
def test_bad_input_exits_2_naming_the_value(invoke, args, named):
    result = invoke("digest", *args)
    assert result.exit_code == 2
    assert named in result.stderr and result.stderr.count("\n") == 1
    assert "abc" not in result.stderr


# redaction and recognition of robots


def test_redactor_hides_query_secrets_and_known_values():
    redact = Redactor([PASSWORD, SECRET])
    text = (f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}&timestamp=1&sign=a%2Bb "
            f"key={WECOM_KEY} pw {PASSWORD} secret {SECRET}")
    redacted = redact(text)
    assert redacted == ("https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=*** "
                        "key=*** pw *** secret ***")


def test_robots_are_recognised_by_their_query_or_prefix():
    wecom = webhook_destination(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}")
    ding = webhook_destination(f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}")
    assert (wecom.channel, ding.channel) == ("wecom", "dingtalk")
    assert webhook_destination("dingtalk+http://127.0.0.1:8080/x").address == "http://127.0.0.1:8080/x"
    assert webhook_destination("https://example.cn/?key=1&access_token=2") is None
    assert WECOM_KEY not in wecom.recipient and "key=***" in wecom.recipient


def test_dingtalk_signature_matches_its_documented_scheme():
    # The signature is URL-quoted base64: '+', '/' and '=' are escaped.
    sign = dingtalk_signature("secret", 1700000000000)
    raw = base64.b64encode(hmac.new(b"secret", b"1700000000000\nsecret", hashlib.sha256).digest()).decode()
    assert parse_qs(f"sign={sign}")["sign"] == [raw] and not set("+/=") & set(sign)


def test_utf8_password_logs_in_by_auth_plain(invoke, certificate):
    controller, mailbox, port = smtp_server(certificate, implicit_tls=False, password=UTF8_PASSWORD)
    try:
        add_mark(invoke, 30)
        env = smtp_env(port, "starttls", certificate, password=UTF8_PASSWORD)
        result = invoke("digest", "--to", "clerk@example.cn", env=env)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.stderr
    assert mailbox.logins == [("PLAIN", USER, True)] and len(mailbox.messages) == 1
    assert UTF8_PASSWORD not in result.stdout + result.stderr
