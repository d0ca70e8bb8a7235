"""What every command does with the register, in one table: a command that only reads it finds none at
a path that does not exist (exit 78, nothing created), a command that writes creates it there, and a
command that needs no register never opens one."""

READ, WRITE, NONE = "read", "write", "none"

ACCESS = {
    "annuity pay": WRITE,
    "batch export": WRITE,
    "batch import": WRITE,
    "batch list": READ,
    "batch mark": WRITE,
    "batch show": READ,
    "batch submit": WRITE,
    "batch validate": NONE,
    "calc annuity": NONE,
    "calc mark": NONE,
    "calc patent": NONE,
    "calc period": NONE,
    "calc renewal": NONE,
    "calc workday": NONE,
    "calendar fetch": WRITE,
    "calendar import": WRITE,
    "calendar status": READ,
    "db backup": READ,
    "db check": READ,
    "db restore": WRITE,
    "deadlines": READ,
    "digest": READ,
    "expiries": READ,
    "filing list": READ,
    "filing revert": WRITE,
    "filing set-status": WRITE,
    "filing show": READ,
    "init": WRITE,
    "license add": WRITE,
    "log": READ,
    "log revert": WRITE,
    "mark add": WRITE,
    "mark edit": WRITE,
    "mark import": WRITE,
    "mark list": READ,
    "mark remove": WRITE,
    "mark show": READ,
    "mark template": NONE,
    "notice add": WRITE,
    "notice done": WRITE,
    "notice list": READ,
    "patent add": WRITE,
    "patent edit": WRITE,
    "patent import": WRITE,
    "patent list": READ,
    "patent remove": WRITE,
    "patent show": READ,
    "patent template": NONE,
    "pledge add": WRITE,
    "pledge change": WRITE,
    "pledge extend": WRITE,
    "pledge list": READ,
    "pledge release": WRITE,
    "renew add": WRITE,
    "report": READ,
    "sample load": WRITE,
    "stats": READ,
    "transfer add": WRITE,
    "undo": WRITE,
    "window add": WRITE,
    "window list": READ,
    "window set-default": WRITE,
}


def command_name(ctx) -> str:
    """The command as ACCESS names it ("mark list"): the names below the root command."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


def access_of(ctx) -> str:
    """READ, WRITE or NONE for the command running in `ctx`; a command missing from the table is a
    writer, as every command was before reads were told apart (tests/test_counter_cron.py checks that
    none is missing)."""
    return ACCESS.get(command_name(ctx), WRITE)
