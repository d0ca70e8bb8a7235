"""Reaching a server, and what a message may say about it; shared by every command that does.

A request follows no redirect, reads at most MAX_BODY_BYTES of an answer and ends within its deadline
however slowly the server answers. A URL is shown without its user, password, query values and
fragment; a server's words are redacted, their control characters escaped and cut to one short line."""

import base64
import json
import re
import signal
import threading
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urljoin, urlsplit

from ipcli.errors import IpcliError, Unavailable, os_reason
from ipcli.i18n import t
from ipcli.literal import SHOWN_CHARS, Sentence, visible

MAX_BODY_BYTES = 4 * 1024 * 1024  # of an answer (a robot's JSON, a holiday table, an SMTP reply)
REDACTED = "***"
_READ_BYTES = 64 * 1024
_SHORTEST_URL_SECRET = 6  # a shorter query value or path segment is no key, and hiding it would garble messages
_SHORTEST_BASE64_PART = 6
_SECRET_PARAMETER = re.compile(r"(?i)\b(key|access_token|sign|secret|token|password)=([^&#\s'\"]+)")
_PARAMETER_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,40}")
_URLSAFE = bytes.maketrans(b"+/", b"-_")


class RequestFailed(Unavailable):
    """A request that got no usable answer (exit 69). Its key (net.*) and parameters say why, redacted,
    without naming the URL: the message of the command that made the request does."""


class RetryableFailure(RequestFailed):
    """A failure another try may mend: no answer in time, no connection, an HTTP 5xx."""


def reason_text(error: IpcliError) -> Sentence:
    """Why a request failed, in words to put into a message of the command that made it."""
    return Sentence(t(error.key, **error.params))


def answer_too_large() -> RequestFailed:
    return RequestFailed("net.too_large", limit=MAX_BODY_BYTES // 2 ** 20)


# requests


def request(method: str, url: str, *, seconds: float, redact: "Redactor", read_body: bool = True,
            headers: dict | None = None, **send) -> bytes:
    """The body of a 2xx answer to one request (b"" without `read_body`): no redirect followed, at most
    MAX_BODY_BYTES read, everything within `seconds`. RequestFailed otherwise, its words redacted by
    `redact` and the secrets of `url`; raised outside any `except` block, so that it keeps no context
    (the original errors' messages hold the URL)."""
    import requests
    from urllib3.exceptions import TimeoutError as ReadTimedOut

    redact = redact.knowing(url_secrets(url))
    try:
        return within(seconds, _exchange, method, url, seconds, redact, read_body, headers or {}, send)
    except RequestFailed:
        raise
    except (requests.Timeout, ReadTimedOut):
        problem = RetryableFailure("net.timeout", seconds=seconds)
    except Exception as error:  # noqa: BLE001 - any failure to connect or read, reported redacted
        problem = RetryableFailure("net.unreachable", reason=redact(network_reason(error)))
    raise problem


def _exchange(method: str, url: str, seconds: float, redact: "Redactor", read_body: bool, headers: dict,
              send: dict) -> bytes:
    import requests

    # identity: a compressed answer could expand far beyond what was read of it
    with requests.request(method, url, headers={**headers, "Accept-Encoding": "identity"}, timeout=seconds,
                          allow_redirects=False, stream=True, **send) as response:
        if not 200 <= response.status_code < 300:
            raise _refusal(response, url, redact)
        return _capped_body(response) if read_body else b""


def _refusal(response, url: str, redact: "Redactor") -> RequestFailed:
    status, location = response.status_code, response.headers.get("Location")
    if 300 <= status < 400 and location:
        return RequestFailed("net.redirected", status=status, target=server_text(_host(url, location), redact))
    failure = RetryableFailure if status >= 500 else RequestFailed
    return failure("net.http_status", status=status, reason=server_text(response.reason or "", redact))


def _host(url: str, location: str) -> str:
    """The host (and port) a redirect points to, without user, password, path or query."""
    try:
        parts = urlsplit(urljoin(url, location))
        return (parts.hostname or "?") + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return "?"


def _capped_body(response) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise answer_too_large()
    body = bytearray()
    while chunk := response.raw.read(_READ_BYTES, decode_content=False):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise answer_too_large()
    return bytes(body)


def network_reason(error: BaseException) -> str:
    """The operating system's words for a failed connection (e.g. "Connection refused"), found in the
    chain of exceptions requests and urllib3 wrap around it."""
    current, seen = error, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return os_reason(current)
        current = _inner(current)
    return type(error).__name__


def _inner(error: BaseException) -> BaseException | None:
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]
    return error.__cause__ or error.__context__


# deadlines


class _DeadlinePassed(BaseException):
    """Raised by SIGALRM in whatever the main thread is blocked in. Not an Exception, so that no
    library's `except Exception` turns it into an error of its own."""


class _Alarm:
    def __init__(self, seconds: float):
        self.seconds, self.rang = seconds, False

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, self._ring)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def _ring(self, signum, frame):
        self.rang = True
        raise _DeadlinePassed

    def __exit__(self, *exception):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if self.previous is None else self.previous)


def within(seconds: float, work, *args):
    """work(*args), cut off once `seconds` have passed in all, whatever it is blocked in (connecting, a
    TLS handshake, a server that trickles its answer a byte at a time, which per-read socket timeouts
    never stop): RetryableFailure net.timeout then, raised outside any `except` block. Off the main
    thread, or where there is no SIGALRM, only the sockets' per-read timeouts apply."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return work(*args)
    alarm = _Alarm(seconds)
    try:
        with alarm:
            return work(*args)
    except BaseException:
        if not alarm.rang:
            raise
    raise RetryableFailure("net.timeout", seconds=seconds)


# URLs


def is_http_url(value: str) -> bool:
    """An http(s) URL with a host, a numeric port if any, and no blanks."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", value)


def redacted_url(url: str, hide_path: bool = False) -> str:
    """`url` as messages and the register show it: its user and password, each query value (a query
    parameter without a plain name whole), its fragment and, with `hide_path`, its path as ***. Works
    on text that is no valid URL too, as the messages that refuse one show it."""
    rest, _, fragment = url.partition("#")
    rest, _, query = rest.partition("?")
    start = rest.find("//") + 2 if "//" in rest else 0
    at = rest.rfind("@", start)  # the last one: a password may hold a "/" that should have been %2F
    if at >= 0:
        rest = rest[:start] + REDACTED + rest[at:]
    end = rest.find("/", start)
    end = len(rest) if end < 0 else end
    shown = rest if not hide_path or not rest[end:].strip("/") else rest[:end] + "/" + REDACTED
    if query:
        shown += "?" + "&".join(map(_redacted_parameter, query.split("&")))
    return shown + ("#" + REDACTED if fragment else "")


def _redacted_parameter(parameter: str) -> str:
    name, equals, _ = parameter.partition("=")
    return f"{name}={REDACTED}" if equals and _PARAMETER_NAME.fullmatch(name) else REDACTED


def url_secrets(url: str, hide_path: bool = False) -> list[str]:
    """What in `url` may be secret, for a Redactor: its user, password, query values (or names without
    a value), fragment and, with `hide_path`, its path segments; each as written and unquoted."""
    try:
        parts = urlsplit(url)
        found = [parts.username, parts.password, parts.fragment]
    except ValueError:
        return []
    found += [value or name for name, value in parse_qsl(parts.query, keep_blank_values=True)]
    if hide_path:
        found += parts.path.split("/")
    found += [unquote(value) for value in found if value]
    return [value for value in found if value and len(value) >= _SHORTEST_URL_SECRET]


# what servers say


class Redactor:
    """Replaces with *** the value of every key=, access_token=, sign= (...) parameter, and every secret
    it knows in each form it may come back in: as is, percent-encoded, JSON-escaped, as UTF-8 read as
    Latin-1 (as HTTP reason phrases are), and in base64 at any offset (so inside an SMTP AUTH PLAIN
    token, and as AUTH LOGIN sends a password)."""

    def __init__(self, secrets=()):
        self.secrets = tuple(secret for secret in secrets if secret)
        forms = {form for secret in self.secrets for form in _forms(secret)}
        self._forms = sorted(forms, key=len, reverse=True)

    def knowing(self, secrets) -> "Redactor":
        """This redactor, knowing `secrets` too."""
        return Redactor((*self.secrets, *secrets))

    def __call__(self, text) -> str:
        text = _SECRET_PARAMETER.sub(lambda match: f"{match.group(1)}={REDACTED}", str(text))
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text


def _forms(secret: str) -> set[str]:
    data = secret.encode("utf-8")
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1], data.decode("latin-1")}
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data)
        # the characters that depend on the secret's bytes alone, wherever in a longer text it starts
        start, end = -(-8 * offset // 6), 8 * (offset + len(data)) // 6
        for alphabet in (encoded, encoded.translate(_URLSAFE)):
            part = alphabet[start:end].decode("ascii")
            if len(part) >= _SHORTEST_BASE64_PART:
                forms.add(part)
    return forms


def server_text(text: str, redact: Redactor) -> str:
    """A server's words (a reason phrase, an SMTP reply, a robot's errmsg) fit for a one-line message:
    redacted, control characters escaped (literal.visible), cut to SHOWN_CHARS characters at the end (a
    server says what matters first)."""
    text = visible(redact(text))
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"
