"""One `ipcli digest` run: what falls due and has reached a ladder step, what each destination has not
been sent yet, the messages rendered once, their delivery and the sent-log of what arrived."""

import os
from collections import Counter
from collections.abc import Callable
from datetime import date

from ipcli import delivery
from ipcli.db.digest_log import record_sent, sent_keys
from ipcli.delivery import EMAIL, STDOUT, DeliveryFailed, Destination
from ipcli.register import deadlines
from ipcli.register.digest import Digest, by_urgency, reminders, render_html, render_markdown, render_text, unsent


class DigestRun:
    """One run: the deadlines (of the owners and window asked for) that reached a ladder step, most urgent
    first, and for each destination those it has not been sent yet, rendered once per set of items and
    format. What reaches stdout is recorded only when asked to: looking does not use up reminders."""

    def __init__(self, store, today: date, ladder: tuple, days: int, *, owners=(), window=None,
                 record_stdout: bool = False, language: str, echo: Callable, note: Callable):
        """`echo(text)` writes to stdout, `note(key, **params)` tells the user on stderr; `language` is
        that of the HTML mail."""
        self.store, self.today, self.ladder, self.days, self.record_stdout = store, today, ladder, days, record_stdout
        self.language, self.echo, self.note = language, echo, note
        self.since = deadlines.default_overdue_since(today)
        rows = deadlines.deadlines(store, today, days=days, overdue_since=self.since, owners=owners, window=window)
        self.items = by_urgency(reminders(rows, ladder))
        self._digests = {}

    def records(self, destination: Destination) -> bool:
        return destination.channel != STDOUT or self.record_stdout

    def unsent(self, destination: Destination) -> list:
        sent = sent_keys(self.store, destination.channel, destination.recipient, self.since.isoformat())
        return unsent(self.items, sent)

    def message(self, items: list) -> tuple:
        """(Digest, its renderings by format) of these items, made once however many destinations get it."""
        keys = tuple(item.key for item in items)
        if keys not in self._digests:
            self._digests[keys] = (Digest(self.today, self.days, self.ladder, items), {})
        return self._digests[keys]

    def rendered(self, items: list, fmt: str) -> str:
        """The message of these items as "text", "html" or "markdown" (for group robots)."""
        message, renders = self.message(items)
        if fmt not in renders:
            renders[fmt] = _render(message, fmt, self.language)
        return renders[fmt]

    def preview(self, pending: dict) -> None:
        """--dry-run: the text of what at least one destination would receive; nothing sent or recorded."""
        if len(pending) == 1:
            [items] = pending.values()
        else:
            waiting = {item.key for items in pending.values() for item in items}
            items = [item for item in self.items if item.key in waiting]
        if items:
            self.echo(self.rendered(items, "text"))
        else:
            self.note("digest.nothing_new")

    def deliver(self, pending: dict, settings, redact) -> list[tuple[Destination, DeliveryFailed]]:
        """Send each destination its unsent items and record those that arrived; the failures."""
        mailer = delivery.Mailer(settings, redact) if settings else None
        failures = []
        try:
            for destination, items in pending.items():
                if items:
                    failures.extend(self._deliver_one(destination, items, mailer, redact))
        finally:
            if mailer is not None:
                mailer.close()
        if not any(pending.values()):
            self.note("digest.nothing_new")
        return failures

    def _deliver_one(self, destination: Destination, items: list, mailer, redact) -> list:
        try:
            self._send(destination, items, mailer, redact)
        except DeliveryFailed as error:
            return [(destination, error)]
        if self.records(destination):
            self._record(destination, items)
        if destination.channel != STDOUT:
            self.note("digest.sent", count=len(items), destination=destination.shown())
        return []

    def _send(self, destination: Destination, items: list, mailer, redact) -> None:
        if destination.channel == STDOUT:
            self.echo(self.rendered(items, "text"))
        elif destination.channel == EMAIL:
            message, _ = self.message(items)
            mailer.send(delivery.mail_message(mailer.settings, destination.address, message.subject(),
                                              self.rendered(items, "text"), self.rendered(items, "html")))
        else:
            payload = delivery.robot_payload(destination.channel, self.message(items)[0].subject(),
                                             self.rendered(items, "markdown"))
            delivery.post_webhook(destination, payload, os.environ.get("IPCLI_DINGTALK_SECRET"), redact)

    def _record(self, destination: Destination, items: list) -> None:
        """The sent-log rows of a delivery that succeeded, and one journal entry for it."""
        steps = Counter(item.step for item in items)
        with self.store.transaction():
            record_sent(self.store, destination.channel, destination.recipient, [item.key for item in items])
            record_id = f"{destination.channel}:{destination.recipient}".rstrip(":")
            self.store.journal("digest", record_id, None,
                               {"channel": destination.channel, "items": len(items), "steps": dict(steps)})


def _render(message: Digest, fmt: str, language: str) -> str:
    if fmt == "html":
        return render_html(message, language)
    if fmt == "markdown":
        return render_markdown(message, delivery.MARKDOWN_LIMIT_BYTES)
    return render_text(message)
