"""`ipcli calc`: the statutory calculator (CLI.md "Calculator"); no database needed."""

import click

from ipcli.clickext import DATE, TODAY, Choice, Group, IntRange, argument, event_or_notice, one_of, option
from ipcli.context import get_app
from ipcli.explain import explain_rows
from ipcli.i18n import t
from ipcli.output import format_option, view_options
from ipcli.rules import patent, periods, trademark
from ipcli.rules.fees import REDUCTION_SPELLINGS, reduction_and_open_license, reduction_needs_grant_year

NICE_CLASS_COUNT = 45


@click.group(cls=Group, help="help.calc")
def calc():
    pass


def explain_option(command):
    return option("--explain", is_flag=True, help="opt.explain")(command)


def show(record: dict, steps, missing_years, explain: bool, fmt: str | None) -> None:
    app = get_app()
    app.check_calendar(missing_years)
    if explain:
        record["explain"] = explain_rows(steps)
    app.emit(record, fmt)


@calc.command("mark", help="help.calc_mark")
@option("--registered", type=DATE, required=True, help="opt.registered")
@explain_option
@format_option
@view_options
def mark(registered, explain, fmt):
    dates = trademark.mark_dates(get_app().calendar(), registered=registered)
    show(dates.as_record(), dates.steps, dates.missing_years, explain, fmt)


@calc.command("renewal", help="help.calc_renewal")
@option("--registered", type=DATE, help="opt.registered")
@option("--expires", type=DATE, help="opt.expires")
@option("--filed", type=DATE, default=TODAY, help="opt.filed")
@option("--classes", type=IntRange(1, NICE_CLASS_COUNT, rule="ID-NICE-CLASS"), default=1, show_default=True,
        help="opt.classes_count")
@option("--paper", is_flag=True, help="opt.paper")
@explain_option
@format_option
@view_options
@click.pass_context
def renewal(ctx, registered, expires, filed, classes, paper, explain, fmt):
    one_of(ctx, registered=registered, expires=expires)
    dates = trademark.mark_dates(get_app().calendar(), registered=registered, expires=expires)
    assessment = trademark.assess_renewal(dates, filed, classes, paper)
    show(assessment.as_record(), assessment.steps, dates.missing_years, explain, fmt)


patent_type_option = option("--type", "patent_type", type=Choice(patent.PATENT_TYPES), required=True,
                            help="opt.patent_type")


@calc.command("patent", help="help.calc_patent")
@patent_type_option
@option("--filed", type=DATE, required=True, help="opt.filed_patent")
@explain_option
@format_option
@view_options
def patent_(patent_type, filed, explain, fmt):
    calendar = get_app().calendar()
    term = patent.patent_term(patent_type, filed)
    annuities = patent.annuity_schedule(calendar, patent_type, filed)
    record = {
        "type": patent_type, "filed_on": filed, "term_years": term.term_years,
        "term_ends_on": term.term_ends_on, "last_protected_on": term.last_protected_on,
        "annuities": [a.as_record() for a in annuities],
        "provisional": any(a.provisional for a in annuities),
    }
    steps = term.steps + tuple(step for a in annuities for step in a.steps)
    show(record, steps, frozenset().union(*(a.missing_years for a in annuities)), explain, fmt)


@calc.command("annuity", help="help.calc_annuity")
@patent_type_option
@option("--filed", type=DATE, required=True, help="opt.filed_patent")
@option("--year", type=IntRange(1), required=True, help="opt.year")
@option("--paid", type=DATE, help="opt.paid")
@option("--reduction", type=Choice(REDUCTION_SPELLINGS), default="none", show_default=True, help="opt.reduction")
@option("--open-license", "open_license_from", type=DATE, help="opt.open_license")
@option("--granted", type=DATE, help="opt.granted")
@explain_option
@format_option
@view_options
@click.pass_context
def annuity(ctx, patent_type, filed, year, paid, reduction, open_license_from, granted, explain, fmt):
    if reduction_needs_grant_year(reduction) and granted is None:
        raise click.UsageError(t("err.reduction_needs_granted", value=reduction), ctx)
    reduction, open_license = reduction_and_open_license(reduction, open_license_from)
    app = get_app()
    payment = patent.annuity_payment(app.calendar(), patent_type, filed, year, today=app.today, paid=paid,
                                     reduction=reduction, granted=granted, open_license=open_license)
    show(payment.as_record(), payment.steps, payment.due.missing_years, explain, fmt)


@calc.command("period", help="help.calc_period")
@option("--office", type=Choice(periods.OFFICES), required=True, help="opt.office")
@option("--from", "start", type=DATE, help="opt.from")
@option("--dispatched", type=DATE, help="opt.dispatched")
@option("--served", type=Choice(periods.SERVICE_MODES), help="opt.served")
@option("--days", type=IntRange(1, 36600), help="opt.days")
@option("--months", type=IntRange(1, 1200), help="opt.months")
@option("--years", type=IntRange(1, 100), help="opt.years")
@explain_option
@format_option
@view_options
@click.pass_context
def period(ctx, office, start, dispatched, served, days, months, years, explain, fmt):
    one_of(ctx, days=days, months=months, years=years)
    event_or_notice(ctx, start, dispatched, served)
    steps = ()
    if dispatched is not None:
        start, steps = periods.deemed_receipt(office, dispatched, served)
    result = periods.period_deadline(get_app().calendar(), office, start, days=days or 0, months=months or 0,
                                     years=years or 0, steps=steps)
    show(result.as_record(), result.steps, result.missing_years, explain, fmt)


@calc.command("workday", help="help.calc_workday")
@argument("day", metavar="DATE", type=DATE, help="arg.workday")
@explain_option
@format_option
@view_options
def workday(day, explain, fmt):
    calendar = get_app().calendar()
    status = calendar.day(day)
    rolled = calendar.roll_forward(day)
    record = {"date": day, "is_working_day": status.working, "next_working_day": rolled.value,
              "source": status.source, "provisional": rolled.provisional}
    show(record, rolled.steps, rolled.missing_years, explain, fmt)
