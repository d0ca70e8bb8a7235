"""Secrets (issue 7, item 5): the SMTP password, the WeCom key, the DingTalk token and the DingTalk
signing secret never reach the register (an SQLite file, its -wal and -shm, or every row of a PostgreSQL
register), the journal, stdout, stderr or an
exception message, whether `ipcli digest` succeeds or fails: wrong password, a robot answering errcode
310000 (and echoing the secrets back), servers down, and a run with IPCLI_DEBUG=1."""

import json
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BASE_ENV, on_postgresql, register_content
from ipcli import delivery
from ipcli.cli import cli
from test_digest import NO_PROXY, USER, certificate, free_port, robots, smtp_env, smtp_server  # noqa: F401

PASSWORD = "S3cret-PW-xyz"
WECOM_KEY = "WeCom-Key-7f3a9c1e"
DING_TOKEN = "Ding-Token-5b2e8d40"
DING_SECRET = "SECding-Sign-1c4f9a77"
SECRETS = (PASSWORD, WECOM_KEY, DING_TOKEN, DING_SECRET)
TO = "clerk@example.cn"


def run(db, *args, env=None, catch=False):
    runner = CliRunner(env={**BASE_ENV, **NO_PROXY, "IPCLI_DB": str(db), **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=catch, prog_name="ipcli")


@pytest.fixture
def db(register):
    """The sample register, on each backend."""
    assert run(register, "sample", "load").exit_code == 0
    return register


@pytest.fixture
def mail(certificate):  # noqa: F811 - the fixture imported above
    """An SMTP server with STARTTLS that takes USER with PASSWORD: (environment for ipcli, mailbox)."""
    controller, mailbox, port = smtp_server(certificate, implicit_tls=False, password=PASSWORD)
    yield smtp_env(port, "starttls", certificate, password=PASSWORD), mailbox
    controller.stop()


def hooks(base: str) -> list[str]:
    return ["--webhook", f"wecom+{base}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "--webhook", f"dingtalk+{base}/robot/send?access_token={DING_TOKEN}"]


def everywhere(db, *results) -> dict:
    """Each place a secret could be left: the database's files, the journal, and each run's output and
    exception (with its traceback, as IPCLI_DEBUG=1 would print it)."""
    if on_postgresql(db):
        places = {"register": repr(register_content(db)).encode()}
    else:
        places = {path.name: path.read_bytes() for path in Path(db).parent.glob(Path(db).name + "*")}
    journal = run(db, "log", "--format", "json", "--limit", "100000")
    assert journal.exit_code == 0, journal.stderr
    places["journal"] = journal.stdout.encode()
    for number, result in enumerate(results):
        places[f"run {number} stdout"] = result.stdout.encode()
        places[f"run {number} stderr"] = result.stderr.encode()
        if result.exc_info is not None and not isinstance(result.exception, SystemExit):
            places[f"run {number} traceback"] = "".join(traceback.format_exception(*result.exc_info)).encode()
    return places


def assert_no_secret(places: dict) -> None:
    for secret in SECRETS:
        for form in {secret.encode(), secret.encode("utf-16-le"), json.dumps(secret).encode()}:
            leaks = [name for name, data in places.items() if form in data]
            assert not leaks, f"{secret} found in {leaks}"


def secret_env(mail_env: dict) -> dict:
    return {**mail_env, "IPCLI_DINGTALK_SECRET": DING_SECRET}


def test_a_successful_digest_leaves_no_secret(db, mail, robots):  # noqa: F811
    mail_env, mailbox = mail
    result = run(db, "digest", "--to", TO, *hooks(robots.base), env=secret_env(mail_env))
    assert result.exit_code == 0, result.stderr
    assert len(mailbox.messages) == 1 and len(robots.requests) == 2  # really sent, and signed
    assert robots.requests[1]["query"]["access_token"] == [DING_TOKEN] and robots.requests[1]["query"]["sign"]
    again = run(db, "digest", "--to", TO, *hooks(robots.base), env=secret_env(mail_env))
    assert again.exit_code == 0
    assert_no_secret(everywhere(db, result, again))


def test_a_wrong_password_leaves_no_secret(db, certificate, robots):  # noqa: F811
    controller, mailbox, port = smtp_server(certificate, implicit_tls=False, password="the-server's-own")
    try:
        env = secret_env(smtp_env(port, "starttls", certificate, password=PASSWORD))
        result = run(db, "digest", "--to", TO, *hooks(robots.base), env=env)
        debug = run(db, "digest", "--to", TO, env={**env, "IPCLI_DEBUG": "1"}, catch=True)
    finally:
        controller.stop()
    assert result.exit_code == 69 and "535" in result.stderr and debug.exit_code == 69
    assert mailbox.logins and not any(ok for _, _, ok in mailbox.logins)
    assert_no_secret(everywhere(db, result, debug))


def test_a_robot_answering_errcode_310000_and_echoing_the_secrets_leaves_none(db, mail, robots):  # noqa: F811
    mail_env, _ = mail
    robots.answer = {"errcode": 310000,
                     "errmsg": f"sign not match, key={WECOM_KEY} access_token {DING_TOKEN} secret {DING_SECRET} "
                               f"password {PASSWORD}, more: https://open.dingtalk.com/document/robots"}
    result = run(db, "digest", "--to", TO, *hooks(robots.base), env=secret_env(mail_env))
    debug = run(db, "digest", *hooks(robots.base), env={**secret_env(mail_env), "IPCLI_DEBUG": "1"}, catch=True)
    assert result.exit_code == 69 and debug.exit_code == 69
    assert result.stderr.count("310000") == 2, result.stderr
    assert_no_secret(everywhere(db, result, debug))


def test_servers_down_leave_no_secret(db, certificate):  # noqa: F811
    down = f"http://127.0.0.1:{free_port()}"
    env = secret_env(smtp_env(free_port(), "starttls", certificate, password=PASSWORD))
    result = run(db, "digest", "--to", TO, *hooks(down), env=env)
    debug = run(db, "digest", "--to", TO, *hooks(down), env={**env, "IPCLI_DEBUG": "1"}, catch=True)
    assert result.exit_code == 69 and result.stderr.count("ipcli: error:") == 3, result.stderr
    assert debug.exit_code == 69
    assert_no_secret(everywhere(db, result, debug))


def test_bad_settings_and_bad_webhooks_leave_no_secret(db):
    results = [
        run(db, "digest", "--webhook", f"https://example.cn/send?key={WECOM_KEY}&access_token={DING_TOKEN}"),
        run(db, "digest", "--webhook", f"ftp://example.cn/send?key={WECOM_KEY}"),
        run(db, "digest", "--to", TO, env={"IPCLI_SMTP_HOST": "127.0.0.1", "IPCLI_MAIL_FROM": "ipcli@example.cn",
                                           "IPCLI_SMTP_USER": USER, "IPCLI_SMTP_PASSWORD": PASSWORD,
                                           "IPCLI_SMTP_TLS": "none"}),
        run(db, "digest", "--to", TO, env={"IPCLI_SMTP_HOST": "127.0.0.1", "IPCLI_MAIL_FROM": "ipcli@example.cn",
                                           "IPCLI_SMTP_PASSWORD": PASSWORD}),
        run(db, "digest", "--dry-run", *hooks("https://example.cn"), env={"IPCLI_DINGTALK_SECRET": DING_SECRET,
                                                                          "IPCLI_SMTP_PASSWORD": PASSWORD}),
    ]
    assert [r.exit_code for r in results] == [2, 2, 78, 78, 0]
    assert_no_secret(everywhere(db, *results))


def chain(error: BaseException) -> list[BaseException]:
    """The exception and every one it keeps, printed or not (cause and context)."""
    found = []
    while error is not None and error not in found:
        found.append(error)
        error = error.__cause__ or error.__context__
    return found


def exception_texts(error: BaseException) -> str:
    return "\n".join(f"{e!r} {e} {getattr(e, 'params', '')}" for e in chain(error)) + "".join(
        traceback.format_exception(error))


def test_delivery_exceptions_keep_no_secret(certificate):  # noqa: F811
    """DeliveryFailed, the exceptions it keeps, and its traceback, for SMTP and both robots down."""
    settings = delivery.SmtpSettings("127.0.0.1", free_port(), "starttls", "ipcli@example.cn", USER, PASSWORD,
                                     str(certificate[0]))
    redact = delivery.Redactor([PASSWORD, DING_SECRET, WECOM_KEY, DING_TOKEN])
    message = delivery.mail_message(settings, TO, "subject", "text", "<p>html</p>")
    with pytest.raises(delivery.DeliveryFailed) as mail_error:
        delivery.Mailer(settings, redact).send(message)
    assert PASSWORD not in repr(settings)
    texts = [exception_texts(mail_error.value)]
    down = f"http://127.0.0.1:{free_port()}"
    for url in hooks(down)[1::2]:
        destination = delivery.webhook_destination(url)
        with pytest.raises(delivery.DeliveryFailed) as hook_error:
            delivery.post_webhook(destination, {"msgtype": "markdown"}, DING_SECRET,
                                  delivery.redactor_for([destination], {"IPCLI_DINGTALK_SECRET": DING_SECRET}))
        texts.append(exception_texts(hook_error.value))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text[:3000])
