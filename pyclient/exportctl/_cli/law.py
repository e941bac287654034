"""The commands about the law the bundle encodes: `bundle`, `provisions` and `timeline`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportctl._cli._app import OpaTokenOption, OpaUrlOption, checked_date, output
from exportctl._cli.decisions import OutputFormat
from exportctl._paths import policies_dir
from exportctl._render import printable, render
from exportctl._sidecar import build_bundle, verify_bundle
from exportctl.errors import UsageError


def bundle_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the bundle tarball.")
    ] = Path("build/bundle.tar.gz"),
    policies: Annotated[
        Path | None,
        typer.Option(
            help="Bundle directory. Default: $EXPORTCTL_POLICIES, else the project's policies/.",
            show_default=False,
        ),
    ] = None,
    signing_key: Annotated[
        Path | None,
        typer.Option(
            metavar="KEY.pem",
            help="Sign the bundle with this private key (PEM; RSA for RS256, EC P-256 for "
            "ES256): OPA writes .signatures.json, which sidecars check before activating it.",
            show_default=False,
        ),
    ] = None,
    signing_alg: Annotated[
        str,
        typer.Option(metavar="RS256|ES256", help="Algorithm of --signing-key and --public-key."),
    ] = "RS256",
    verify: Annotated[
        Path | None,
        typer.Option(
            metavar="BUNDLE",
            help="Build nothing: check BUNDLE's signature with --public-key, as a sidecar does "
            "before it activates a bundle (exit 2 when the check fails).",
            show_default=False,
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(metavar="PUB.pem", help="Public key for --verify.", show_default=False),
    ] = None,
) -> None:
    """Build an OPA bundle of the policies (tests left out) for a production OPA, signed or not.

    The bundle's revision is `sha256:` + 16 hex digits over the policy files; every decision
    reports it in `policy.revision`. Serve it with `opa run -s build/bundle.tar.gz`, or to a
    fleet of sidecars as docs/deploy.md describes.

    Examples:

        exportctl bundle --output build/bundle.tar.gz --signing-key bundle-signing.pem

        exportctl bundle --verify build/bundle.tar.gz --public-key bundle-public.pem
    """
    if verify is not None:
        if public_key is None:
            raise UsageError("--public-key: --verify needs the public key to check with")
        if signing_key is not None:
            raise UsageError("--signing-key: --verify checks a bundle, it builds and signs none")
        bundle_revision = verify_bundle(verify, public_key, signing_alg)
        typer.echo(f"verified {verify} (revision {bundle_revision}, {signing_alg})")
        return
    if public_key is not None:
        raise UsageError("--public-key: only --verify uses it")
    bundle_revision = build_bundle(
        policies or policies_dir(), output, signing_key=signing_key, signing_alg=signing_alg
    )
    signed = "" if signing_key is None else f", signed {signing_alg}"
    typer.echo(f"wrote {output} (revision {bundle_revision}{signed})")


def provisions_command(
    provision: Annotated[
        str | None,
        typer.Argument(
            help="Only this provision: its id (instrument/clause) or an earlier id it had.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Day to report each provision's status on (YYYY-MM-DD). Default: today.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = OutputFormat.table,
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
) -> None:
    """List every provision the bundle encodes and its status on a day.

    Id, title, instrument and article, source, first day in effect and the status on DATE (in
    force, suspended until ..., not yet in force, lapsed), read from the bundle's METADATA and
    its clause calendar.

    Example: `exportctl provisions --date 2026-12-01 --format markdown`, or one provision by
    its id or an earlier id: `exportctl provisions CN-REE-0061-01`
    """
    import datetime

    from exportctl._provisions import ProvisionList, data_reviewed_on, provisions, review_note

    day = checked_date("--date", date or datetime.date.today().isoformat())
    rows = provisions(day, opa_url)
    if provision is not None:
        rows = [p for p in rows if provision == p.id or provision in p.aliases]
        if not rows:
            raise UsageError(f"PROVISION: no provision has the id or earlier id {provision!r}")
    note = review_note(data_reviewed_on(opa_url), day)
    output(render(ProvisionList(rows, day, note), output_format), reader_may_stop=True)
    if output_format is OutputFormat.json:
        typer.echo(printable(note), err=True)


def timeline_command(
    svg: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write the timeline as an SVG picture to FILE (`-`: standard output) instead "
            "of printing it.",
            show_default=False,
        ),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(
            min=60,
            metavar="N",
            help="Terminal columns to draw in (at least 60). Default: the terminal's width.",
            show_default=False,
        ),
    ] = None,
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
) -> None:
    """Draw every instrument's life on one time axis.

    One row per clause, grouped by instrument: when it was announced, pending (published, not
    yet in force), in force, suspended (each suspension window), in force again after a window
    ended with nothing recorded since (unconfirmed), lapsed or repealed; and, for instruments
    such as suspensions, the windows they impose on others. The day the legal data was last
    reviewed is marked. Read from the bundle's clause calendar through OPA.

    Examples:

        exportctl timeline

        exportctl timeline --svg docs/timeline.svg
    """
    from exportctl._timeline import load_timeline

    timeline = load_timeline(opa_url)
    if svg is None:
        output(render(timeline, "table", width), reader_may_stop=True)
        return
    picture = render(timeline, "svg")
    if str(svg) == "-":
        output(picture, reader_may_stop=True)
        return
    try:
        svg.write_text(picture, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {svg}: {e.strerror or e}") from e
    typer.echo(f"wrote {svg}", err=True)
