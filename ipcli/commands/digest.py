"""`ipcli digest`: one message of what falls due and what has slipped, sent by e-mail, to group robots
or to stdout. A reminder ladder and a sent-log make it idempotent: each deadline reaches each
destination once per ladder step, and only a delivery that succeeded is recorded."""

import os
import re
from collections import Counter

import click

from ipcli import delivery
from ipcli.clickext import Command, IntRange, Refusing, option
from ipcli.commands.deadlines import owner_option, window_option
from ipcli.context import get_app
from ipcli.db.digest_log import record_sent, sent_keys
from ipcli.delivery import EMAIL, STDOUT, DeliveryFailed, Destination
from ipcli.errors import ExitCode
from ipcli.i18n import get_language, t
from ipcli.memory import without_cyclic_gc
from ipcli.output import stderr_line
from ipcli.register import deadlines
from ipcli.register.digest import (DEFAULT_LADDER, Digest, by_urgency, reminders, render_html, render_markdown,
                                   render_text, unsent)

LADDER_MAX_DAYS = 3660


class EmailAddress(Refusing, click.ParamType):
    name = "address"

    def convert(self, value, param, ctx):
        if not delivery.is_email_address(value):
            self.refuse("digest.bad_address", value, param, ctx)
        return value


class WebhookUrl(Refusing, click.ParamType):
    name = "url"

    def convert(self, value, param, ctx):
        if isinstance(value, Destination):
            return value
        destination = delivery.webhook_destination(value)
        if destination is None:
            self.refuse("digest.bad_webhook", delivery.shown_webhook(value), param, ctx)
        return destination


class Ladder(Refusing, click.ParamType):
    """Days before the due date at which a deadline is reported again, e.g. 90,30,7."""

    name = "days"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int()
        if not all(re.fullmatch("[0-9]{1,4}", part) and int(part) <= LADDER_MAX_DAYS for part in parts):
            self.refuse("digest.bad_ladder", value, param, ctx, limit=LADDER_MAX_DAYS)
        return tuple(sorted({int(part) for part in parts}, reverse=True))


@click.command("digest", cls=Command, help="help.digest")
@option("--days", type=IntRange(0, LADDER_MAX_DAYS), help="opt.digest_days")
@option("--to", "addresses", type=EmailAddress(), multiple=True, metavar="ADDR", help="opt.digest_to")
@option("--webhook", "webhooks", type=WebhookUrl(), multiple=True, metavar="URL", help="opt.digest_webhook")
@option("--ladder", type=Ladder(), default=",".join(map(str, DEFAULT_LADDER)), show_default=True,
        help="opt.digest_ladder")
@owner_option
@window_option
@option("--dry-run", is_flag=True, help="opt.digest_dry_run")
@option("--record", is_flag=True, help="opt.digest_record")
@click.pass_context
def digest(ctx, days, addresses, webhooks, ladder, owners, window, dry_run, record):
    if dry_run and record:
        raise click.UsageError(t("digest.record_dry_run"), ctx)
    destinations = _destinations(addresses, webhooks)
    needs_mail = not dry_run and any(d.channel == EMAIL for d in destinations)
    settings = delivery.smtp_settings() if needs_mail else None  # missing settings: exit 78 before anything
    with without_cyclic_gc():
        run = DigestRun(get_app(), ladder, max(ladder) if days is None else days, owners, window, record)
        pending = {destination: run.unsent(destination) for destination in destinations}
        if dry_run:
            run.preview(pending)
            return
        if any(map(run.records, destinations)):
            run.store.check_writable()  # what is sent must be recorded, or the next run sends it again
        failures = run.deliver(pending, settings, delivery.redactor_for(destinations))
    for line in failures:
        stderr_line(t("err.prefix") + line)
    if failures:
        ctx.exit(ExitCode.DELIVERY_FAILED)


def _destinations(addresses, webhooks) -> list[Destination]:
    """The --to and --webhook destinations (each once), or stdout when none is given."""
    chosen = [Destination(EMAIL, address) for address in addresses] + list(webhooks)
    return list(dict.fromkeys(chosen)) or [Destination(STDOUT)]


class DigestRun:
    """One run: the deadlines (of the owners and window asked for) that reached a ladder step, most urgent
    first, and for each destination those it has not been sent yet, rendered once per set of items and
    format. What reaches stdout is recorded only when asked to: looking does not use up reminders."""

    def __init__(self, app, ladder: tuple, days: int, owners=(), window=None, record_stdout: bool = False):
        self.app, self.ladder, self.days, self.record_stdout = app, ladder, days, record_stdout
        self.store = app.store()
        self.since = deadlines.default_overdue_since(app.today)
        rows = deadlines.deadlines(self.store, app.today, days=days, overdue_since=self.since, owners=owners,
                                   window=window)
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
            self._digests[keys] = (Digest(self.app.today, self.days, self.ladder, items), {})
        return self._digests[keys]

    def rendered(self, items: list, fmt: str) -> str:
        """The message of these items as "text", "html" or "markdown" (for group robots)."""
        message, renders = self.message(items)
        if fmt not in renders:
            renders[fmt] = _render(message, fmt)
        return renders[fmt]

    def preview(self, pending: dict) -> None:
        """--dry-run: the text of what at least one destination would receive; nothing sent or recorded."""
        if len(pending) == 1:
            [items] = pending.values()
        else:
            waiting = {item.key for items in pending.values() for item in items}
            items = [item for item in self.items if item.key in waiting]
        if items:
            click.echo(self.rendered(items, "text"), nl=False)
        else:
            self.app.note("digest.nothing_new")

    def deliver(self, pending: dict, settings, redact) -> list[str]:
        """Send each destination its unsent items and record those that arrived; the failures as lines."""
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
            self.app.note("digest.nothing_new")
        return failures

    def _deliver_one(self, destination: Destination, items: list, mailer, redact) -> list[str]:
        try:
            self._send(destination, items, mailer, redact)
        except DeliveryFailed as error:
            reason = t(error.key, **error.params)
            return [redact(t("digest.failed", destination=destination.shown(), reason=reason))]
        if self.records(destination):
            self._record(destination, items)
        if destination.channel != STDOUT:
            self.app.note("digest.sent", count=len(items), destination=destination.shown())
        return []

    def _send(self, destination: Destination, items: list, mailer, redact) -> None:
        if destination.channel == STDOUT:
            click.echo(self.rendered(items, "text"), nl=False)
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


def _render(message: Digest, fmt: str) -> str:
    if fmt == "html":
        return render_html(message, get_language())
    if fmt == "markdown":
        return render_markdown(message, delivery.MARKDOWN_LIMIT_BYTES)
    return render_text(message)
