"""`ipcli mark template` and `ipcli patent template`: an import workbook for a client to fill in (attached to
their groups at the end of mark.py and patent.py)."""

import click

from ipcli.clickext import Command
from ipcli.context import get_app
from ipcli.output import format_option


@click.command("template", cls=Command, help="help.mark_template")
@format_option
def mark_template(fmt):
    write_template("mark", fmt)


@click.command("template", cls=Command, help="help.patent_template")
@format_option
def patent_template(fmt):
    write_template("patent", fmt)


def write_template(kind: str, fmt: str | None) -> None:
    """xlsx: the example row under the import's headers (labelled in --lang) and a notes sheet; any other
    format: the example row, whose csv, tsv or jsonl imports as it is (a record on a terminal, every field
    shown)."""
    from ipcli.register import template

    app = get_app()
    example = template.example(kind)
    if app.output_format(fmt) != "xlsx":
        app.emit(example, fmt)
        return
    from ipcli.i18n import t
    from ipcli.output import refuse_workbook_on_terminal
    from ipcli.workbook import Notes, workbook_bytes

    refuse_workbook_on_terminal(app.out_file)
    headers, rows = template.notes(kind)
    app.write(workbook_bytes([example], list(example), title=t(f"template.sheet_rights_{kind}"),
                             notes=Notes(t("template.sheet_notes"), headers, rows)))
