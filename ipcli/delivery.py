"""Delivering a digest: e-mail by SMTP with settings from the environment only, and the WeCom and
DingTalk group-robot webhooks. Secrets (the SMTP password, the DingTalk secret, webhook keys, tokens
and signatures) never leave this module unredacted: every failure is a DeliveryFailed whose message
went through a Redactor, and no exception keeps the original as its cause or context. Every exchange
with a server has a total deadline and a capped answer (ipcli.net)."""

import base64
import hashlib
import hmac
import math
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

from ipcli import jsontext
from ipcli.clock import SHANGHAI
from ipcli.errors import ConfigError, IpcliError, Unavailable
from ipcli.i18n import t
from ipcli.net import (RequestFailed, Redactor, is_http_url, reason_text, redacted_url, request, server_text,
                       url_secrets, within)

TIMEOUT_SECONDS = 10  # for each exchange with a server: connecting and logging in, a robot's request
# Sending a message may take longer: TIMEOUT_SECONDS and its size at this pace (a slow uplink).
SLOWEST_BYTES_PER_SECOND = 32 * 1024
EMAIL, WECOM, DINGTALK, STDOUT = "email", "wecom", "dingtalk", "stdout"
WEBHOOK_CHANNELS = (WECOM, DINGTALK)
ROBOT_KEYS = ("key", "access_token")  # the query parameter that holds a WeCom, a DingTalk robot's key
# WeCom refuses markdown over 4096 bytes; DingTalk's limit is not documented as clearly, so the same.
MARKDOWN_LIMIT_BYTES = 4096
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


class DeliveryFailed(Unavailable):
    """One destination could not be reached or refused the message (exit 69). Made by `failure`, so
    its parameters are redacted, escaped and cut."""


def failure(redact, key: str, **params) -> DeliveryFailed:
    """DeliveryFailed(key, **params), each parameter a server's words (server_text), a number too."""
    return DeliveryFailed(key, **{name: None if value is None else server_text(str(value), redact)
                                  for name, value in params.items()})


def redactor_for(destinations, environ=os.environ) -> Redactor:
    secrets = [environ.get("IPCLI_SMTP_PASSWORD"), environ.get("IPCLI_DINGTALK_SECRET")]
    for destination in destinations:
        secrets.extend(destination.secrets())
    return Redactor(secrets)


# destinations


@dataclass(frozen=True)
class Destination:
    channel: str
    address: str = ""

    @property
    def recipient(self) -> str:
        """Who it is in the sent-log: the e-mail address, or a webhook's redacted URL and a fingerprint
        of the whole URL (so two robots differ, and no key or token is stored)."""
        if self.channel not in WEBHOOK_CHANNELS:
            return self.address
        fingerprint = hashlib.sha256(self.address.encode()).hexdigest()[:16]
        return f"{self.shown()}#{fingerprint}"

    def shown(self) -> str:
        """How messages name it: webhooks redacted."""
        return shown_webhook(self.address) if self.channel in WEBHOOK_CHANNELS else self.address or self.channel

    def secrets(self) -> list[str]:
        if self.channel not in WEBHOOK_CHANNELS:
            return []
        return url_secrets(self.address, hide_path=not _keyed_by_query(self.address))


def shown_webhook(value: str) -> str:
    """A webhook address, or what was given as one, as messages and the sent-log show it: redacted, and
    its path hidden too unless its query holds the robot's key (a robot behind another URL may have its
    key in the path)."""
    return redacted_url(value, hide_path=not _keyed_by_query(value))


def _keyed_by_query(value: str) -> bool:
    query = value.partition("#")[0].partition("?")[2]
    return any(parameter.partition("=")[0] in ROBOT_KEYS for parameter in query.split("&"))


def is_email_address(value: str) -> bool:
    return bool(_ADDRESS.fullmatch(value)) and len(value) <= 254


def webhook_destination(value: str) -> Destination | None:
    """The robot a --webhook URL names: an explicit `wecom+` or `dingtalk+` prefix, else a `key=`
    query (WeCom) or an `access_token=` query (DingTalk); None when it is neither or not http(s)."""
    channel, _, rest = value.partition("+")
    if channel in WEBHOOK_CHANNELS and rest:
        return Destination(channel, rest) if is_http_url(rest) else None
    if not is_http_url(value):
        return None
    query = parse_qs(urlsplit(value).query)
    found = [channel for channel, key in zip(WEBHOOK_CHANNELS, ROBOT_KEYS) if query.get(key)]
    return Destination(found[0], value) if len(found) == 1 else None


# SMTP


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None


def smtp_settings(environ=os.environ) -> SmtpSettings:
    """IPCLI_SMTP_* and IPCLI_MAIL_FROM; ConfigError (exit 78) naming every setting that is missing, or the
    one that is invalid. Values are never part of a message, except a port, a TLS mode or a CA file path."""
    missing = _missing_settings(environ)
    if missing:
        raise ConfigError("digest.settings_missing", names=", ".join(missing))
    host, sender = environ["IPCLI_SMTP_HOST"].strip(), _sender(environ["IPCLI_MAIL_FROM"].strip())
    tls = (environ.get("IPCLI_SMTP_TLS") or "starttls").lower()
    if tls not in TLS_MODES:
        raise ConfigError("digest.setting_invalid", name="IPCLI_SMTP_TLS", value=tls)
    user, password = environ.get("IPCLI_SMTP_USER") or None, environ.get("IPCLI_SMTP_PASSWORD") or None
    if password and tls == "none":
        raise ConfigError("digest.password_in_clear")
    return SmtpSettings(host, _port(environ, tls), tls, sender, user, password, _cafile(environ))


def _missing_settings(environ) -> list[str]:
    """The settings e-mail needs that are not set: the server, the sender, and the user or the password
    when only the other is set."""
    missing = [name for name in ("IPCLI_SMTP_HOST", "IPCLI_MAIL_FROM") if not (environ.get(name) or "").strip()]
    user, password = environ.get("IPCLI_SMTP_USER"), environ.get("IPCLI_SMTP_PASSWORD")
    if bool(user) != bool(password):
        missing.append("IPCLI_SMTP_PASSWORD" if user else "IPCLI_SMTP_USER")
    return missing


def _sender(value: str) -> str:
    """IPCLI_MAIL_FROM: an address, or a name and an address ("ipcli 提醒 <ipcli@example.cn>")."""
    from email.utils import formataddr, parseaddr

    name, address = parseaddr(value)
    if not is_email_address(address) or "\n" in value or "\r" in value:
        raise ConfigError("digest.setting_invalid", name="IPCLI_MAIL_FROM", value=value)
    return formataddr((name, address)) if name else address


def _port(environ, tls: str) -> int:
    text = environ.get("IPCLI_SMTP_PORT") or str(DEFAULT_PORTS[tls])
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError("digest.setting_invalid", name="IPCLI_SMTP_PORT", value=text)
    return int(text)


def _cafile(environ) -> str | None:
    path = environ.get("IPCLI_SMTP_CAFILE") or None
    if path and not Path(path).is_file():
        raise ConfigError("digest.setting_invalid", name="IPCLI_SMTP_CAFILE", value=path)
    return path


def mail_message(settings: SmtpSettings, to: str, subject: str, text: str, html: str):
    """A UTF-8 text message with an HTML alternative."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(SHANGHAI))
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].rstrip(">"))
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


class Mailer:
    """One SMTP session, opened on the first message and shared by every recipient; a failure to
    connect or log in fails each message sent through it."""

    def __init__(self, settings: SmtpSettings, redact: Redactor):
        self.settings, self.redact = settings, redact
        self._smtp = None
        self._failure: str | None = None

    def send(self, message) -> None:
        smtp = self._session()
        try:
            within(_sending_seconds(message), smtp.send_message, message)
            return
        except Exception as error:  # noqa: BLE001 - any failure is this recipient's, reported redacted
            reason = _reason(error)
            if isinstance(error, RequestFailed):  # cut off in the middle of a reply: the session is lost
                self._give_up(reason)
        raise failure(self.redact, "digest.smtp_failed", reason=reason)  # outside `except`: keeps no context

    def _session(self):
        if self._failure is None and self._smtp is None:
            try:
                self._smtp = within(TIMEOUT_SECONDS, self._connect)
            except Exception as error:  # noqa: BLE001 - reported redacted, without the original
                self._failure = self.redact(_reason(error))
        if self._failure is not None:
            raise failure(self.redact, "digest.smtp_failed", reason=self._failure)
        return self._smtp

    def _give_up(self, reason: str) -> None:
        """Fail this message and every next one with `reason`, without another word to the server."""
        self._smtp.close()
        self._smtp, self._failure = None, self.redact(reason)

    def _connect(self):
        from ipcli.smtp_session import SMTP, SMTP_SSL

        s = self.settings
        if s.tls == "ssl":
            smtp = SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS, context=self._tls_context())
        else:
            smtp = SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
        try:
            if s.tls == "starttls":
                smtp.starttls(context=self._tls_context())
            if s.user:
                _login(smtp, s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _tls_context(self):
        import ssl

        context = ssl.create_default_context()
        if self.settings.cafile:
            context.load_verify_locations(cafile=self.settings.cafile)
        return context

    def close(self) -> None:
        if self._smtp is not None:
            try:
                within(TIMEOUT_SECONDS, self._smtp.quit)
            except Exception:  # noqa: BLE001 - the messages are sent; a failed goodbye changes nothing
                self._smtp.close()
            self._smtp = None


def _sending_seconds(message) -> int:
    return TIMEOUT_SECONDS + math.ceil(len(message.as_bytes()) / SLOWEST_BYTES_PER_SECOND)


def _login(smtp, user: str, password: str) -> None:
    """smtplib's login, which sends ASCII only; UTF-8 credentials go by AUTH PLAIN (RFC 4616)."""
    import smtplib

    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError(t("digest.auth_plain_needed"))
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _reason(error: BaseException) -> str:
    """Words for a failure: the SMTP server's answer, or the operating system's, or ipcli's (a deadline,
    an endless reply), or the error's type."""
    import smtplib

    if isinstance(error, IpcliError):
        return reason_text(error)
    if isinstance(error, TimeoutError):  # a socket's timeout, before the exchange's deadline
        return t("net.timeout", seconds=TIMEOUT_SECONDS)
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return f"{error.smtp_code} {answer}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
    if isinstance(error, OSError) and (error.strerror or getattr(error, "reason", None)):
        return str(error.strerror or error.reason)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# webhooks


def robot_payload(channel: str, title: str, markdown: str) -> dict:
    if channel == WECOM:
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signing of a robot request: the URL-quoted base64 of HMAC-SHA256 with the secret as
    key over "timestamp\\nsecret"."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(destination: Destination, secret: str | None, now=time.time) -> str:
    if destination.channel != DINGTALK or not secret:
        return destination.address
    timestamp = int(now() * 1000)
    separator = "&" if urlsplit(destination.address).query else "?"
    return f"{destination.address}{separator}timestamp={timestamp}&sign={dingtalk_signature(secret, timestamp)}"


def post_webhook(destination: Destination, payload: dict, secret: str | None, redact: Redactor) -> None:
    """POST the payload; success is HTTP 2xx with errcode 0 in the JSON body. DeliveryFailed otherwise."""
    try:
        body = request("POST", signed_url(destination, secret), seconds=TIMEOUT_SECONDS, redact=redact,
                       json=payload)
    except RequestFailed as error:  # redacted, and keeps no context of its own
        raise DeliveryFailed(error.key, **error.params) from None
    _check_answer(body, redact)


_NOT_JSON = object()


def _check_answer(body: bytes, redact: Redactor) -> None:
    try:
        answer = jsontext.loads(body.decode("utf-8-sig"))
    except ValueError:  # the body, which may echo a secret, stays out of the error and its context
        answer = _NOT_JSON
    if answer is _NOT_JSON:
        raise failure(redact, "digest.not_json")
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        answer = answer if isinstance(answer, dict) else {}
        raise failure(redact, "digest.errcode", code=answer.get("errcode"), message=answer.get("errmsg") or "")
