"""`ipcli digest`: one message of what falls due and what has slipped, sent by e-mail, to group robots
or to stdout. A reminder ladder and a sent-log make it idempotent: each deadline reaches each
destination once per ladder step, and only a delivery that succeeded is recorded."""

import re

import click

from ipcli import delivery
from ipcli.clickext import Command, IntRange, Refusing, option
from ipcli.commands.deadlines import owner_option, window_option
from ipcli.context import get_app
from ipcli.delivery import EMAIL, STDOUT, Destination
from ipcli.errors import ExitCode
from ipcli.i18n import get_language, t
from ipcli.memory import without_cyclic_gc
from ipcli.output import stderr_line
from ipcli.register.digest import DEFAULT_LADDER
from ipcli.register.digest_run import DigestRun

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
        run = _run(ladder, max(ladder) if days is None else days, owners, window, record)
        pending = {destination: run.unsent(destination) for destination in destinations}
        if dry_run:
            run.preview(pending)
            return
        if any(map(run.records, destinations)):
            run.store.check_writable()  # what is sent must be recorded, or the next run sends it again
        redact = delivery.redactor_for(destinations)
        failures = run.deliver(pending, settings, redact)
    for destination, error in failures:
        reason = t(error.key, **error.params)
        stderr_line(t("err.prefix") + redact(t("digest.failed", destination=destination.shown(), reason=reason)))
    if failures:
        ctx.exit(ExitCode.DELIVERY_FAILED)


def _destinations(addresses, webhooks) -> list[Destination]:
    """The --to and --webhook destinations (each once), or stdout when none is given."""
    chosen = [Destination(EMAIL, address) for address in addresses] + list(webhooks)
    return list(dict.fromkeys(chosen)) or [Destination(STDOUT)]


def _run(ladder: tuple, days: int, owners, window, record: bool) -> DigestRun:
    app = get_app()
    return DigestRun(app.store(), app.today, ladder, days, owners=owners, window=window, record_stdout=record,
                     language=get_language(), echo=lambda text: click.echo(text, nl=False), note=app.note)
