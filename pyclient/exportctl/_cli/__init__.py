"""The `exportctl` command line: the group and its error handling in `_app`, the commands by
job in `new` (new), `decisions` (decide, batch, validate), `law` (bundle, provisions, timeline),
`changes` (diff), `audit` (audit verify) and `fleet` (fleet status), registered here in the order
of `exportctl --help`.
"""

from exportctl._cli import audit, changes, decisions, fleet, law, new
from exportctl._cli._app import app

app.command("new")(new.new_command)
app.command("decide")(decisions.decide_command)
app.command("batch")(decisions.batch_command)
app.command("validate")(decisions.validate_command)
app.command("bundle")(law.bundle_command)
app.command("provisions")(law.provisions_command)
app.command("timeline")(law.timeline_command)
app.command("diff")(changes.diff_command)
app.add_typer(audit.audit_app)
app.add_typer(fleet.fleet_app)

__all__ = ["app", "main"]


def main() -> None:
    """The `exportctl` command."""
    app(prog_name="exportctl")
