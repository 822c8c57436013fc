"""`workshop taxonomy ...`: import, list, export, diff and validate from the command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
import orjson
from flask.cli import with_appcontext

from .services import browsing, differences, findings_report, formats, taxonomies, uploads
from .services.errors import InvalidFile, ServiceError
from .services.permissions import SYSTEM
from .taxonomy import Finding, to_json
from .taxonomy.formats import ID_CHOICES

FORMATS = click.Choice(["auto", *formats.FORMATS])

# Terminal control: an ESC or a bidi override in a label must not reach the terminal.
_UNSAFE = {
    c: "?"
    for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F))
} | {c: "?" for c in range(0x2066, 0x206A)}


def say(text: object = "", err: bool = False) -> None:
    """click.echo for text that may hold labels from a file: control characters shown as ?."""
    click.echo(str(text).translate(_UNSAFE), err=err)


@click.group("taxonomy")
@with_appcontext
def taxonomy() -> None:
    """Import, list, export, compare and check taxonomies."""
    from .database import schema_is_current

    if not schema_is_current():
        say(
            "Error: the database has no tables yet, or is older than this release: "
            "run `workshop init-db` first.",
            err=True,
        )
        sys.exit(1)


def show_findings(findings: Sequence[Finding | str], csv_path: Path | None) -> None:
    """Findings grouped by kind with a count and the first examples; all of them in CSV
    when a path is given."""
    for group in findings_report.grouped(findings):
        say(f"  {group.severity.value} {group.rule}: {group.count:,}", err=True)
        for finding in group.examples:
            say(f"    {finding}", err=True)
        if group.count > len(group.examples):
            say(f"    ... and {group.count - len(group.examples):,} more", err=True)
    listed = [f for f in findings if isinstance(f, Finding)]
    if csv_path is not None:
        csv_path.write_bytes(findings_report.as_csv(listed, "en"))
        say(f"  Every finding ({len(listed):,}) is in {csv_path}.", err=True)
    elif any(g.count > len(g.examples) for g in findings_report.grouped(findings)):
        say("  (--findings FILE.csv writes every finding.)", err=True)


@contextmanager
def reported(csv_path: Path | None = None) -> Iterator[None]:
    """Service errors to stderr with a non-zero exit; nothing was written."""
    try:
        yield
    except InvalidFile as error:
        say(f"Error: {error.message}", err=True)
        show_findings(error.problems, csv_path)
        sys.exit(1)
    except ServiceError as error:
        say(f"Error: {error.message}", err=True)
        sys.exit(1)


@taxonomy.command("import")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--taxonomy", "slug", required=True, help="Short name, e.g. gov-services.")
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@click.option("--name-ar", default="", help="Arabic name (a new taxonomy).")
@click.option("--name-en", default="", help="English name (a new taxonomy).")
@click.option("--new-version", is_flag=True, help="Publish as the next version of SLUG.")
@click.option("--note", default="", help="What this version is.")
@click.option("--map", "mapping", default="", help="Columns: ours=theirs,... (CSV/XLSX).")
@click.option("--dotted-codes", is_flag=True, help="Parents from codes: 01.1.2 -> 01.1.")
@click.option(
    "--match",
    type=click.Choice(["ids", "labels"]),
    default="ids",
    show_default=True,
    help="ids: the file's ids are kept. labels: pair concepts with the latest version by "
    "label and keep the old ids for the pairs (they are shown to accept first).",
)
@click.option(
    "--ids",
    type=click.Choice(list(ID_CHOICES)),
    default="auto",
    show_default=True,
    help="SKOS ids: our own, a notation each, else the shortest unique end of the IRI.",
)
@click.option(
    "--levels",
    default="",
    help="Level columns, top level first: 'Sector,Division,Service' (CSV/XLSX).",
)
@click.option("--level-codes", default="", help="A code column per level (the codes are ids).")
@click.option("--level-language", default="ar", show_default=True, help="The levels' language.")
@click.option("--linked", is_flag=True, help="XLSX: every sheet is a level, the top first.")
@click.option(
    "--crosswalk",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of old code -> new code: codes the file no longer has are retired and "
    "pointed at their new code (merges and splits).",
)
@click.option(
    "--allow-mass-retire",
    is_flag=True,
    help="Publish even when the file retires more than a fifth of the concepts (and more "
    "than ten).",
)
@click.option("--yes", is_flag=True, help="Accept the pairs by label without asking.")
@click.option(
    "--findings",
    "findings_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every finding to this CSV file.",
)
@with_appcontext
def import_file(
    paths: tuple[Path, ...],
    slug: str,
    fmt: str,
    name_ar: str,
    name_en: str,
    new_version: bool,
    note: str,
    mapping: str,
    dotted_codes: bool,
    match: str,
    ids: str,
    levels: str,
    level_codes: str,
    level_language: str,
    linked: bool,
    crosswalk: Path | None,
    allow_mass_retire: bool,
    yes: bool,
    findings_csv: Path | None,
) -> None:
    """Import PATHS as version 1 of a new taxonomy, or as its next version. Several
    PATHS are linked tables, the top level first (each one's parent column names a row of
    the one before)."""
    first, *others = paths
    with reported(findings_csv):
        columns = uploads.column_mapping(mapping, dotted_codes, levels, level_codes, level_language)
        upload = uploads.Upload(
            first.read_bytes(),
            first.name,
            fmt,
            columns,
            match == "labels",
            ids,
            tuple((uploads.table_name(p.name), p.read_bytes()) for p in others),
            linked,
            crosswalk.read_bytes() if crosswalk is not None else None,
        )
        if new_version and not yes:
            accept_pairs(taxonomies.label_pairs(SYSTEM, slug, upload))
    with reported(findings_csv), click.progressbar(length=1, label="Storing concepts") as bar:

        def progress(rows: int) -> None:
            bar.length = max(bar.length or 1, bar.pos + rows)
            bar.update(rows)

        if new_version:
            published = taxonomies.publish_file(
                SYSTEM, slug, upload, note, progress, allow_mass_retire
            )
        else:
            new = taxonomies.NewTaxonomy(slug, name_ar or slug, name_en or slug)
            published = taxonomies.create_from_file(SYSTEM, new, upload, note, progress)
    version = published.version
    say(
        f"{slug} version {version.number}: {version.concept_count} concepts, "
        f"{version.change_count} changes, {version.rows_written} rows written."
    )
    if published.pairs:
        say(f"{len(published.pairs)} concept(s) kept their old id (paired by label).")
    if published.warnings:
        say(f"{len(published.warnings):,} warning(s) to fix through proposals:", err=True)
        show_findings(published.warnings, findings_csv)


def accept_pairs(pairs: Sequence[uploads.Pair]) -> None:
    """Show the pairs by label and ask before publishing them."""
    if not pairs:
        return
    say(f"{len(pairs)} concept(s) of the file paired by label with the latest version:")
    for pair in pairs:
        labels = "; ".join(f"{k}: {v}" for k, v in sorted(pair.new_labels.items()))
        say(f"  {pair.new_id} -> {pair.old_id}  (by {pair.reason})  {labels}")
    if not click.confirm("Publish with these pairs?"):
        say("Nothing was published.", err=True)
        sys.exit(1)


@taxonomy.command("list")
@with_appcontext
def list_taxonomies() -> None:
    """Taxonomies with their latest version."""
    for item, latest in taxonomies.list_taxonomies(SYSTEM):
        number = latest.number if latest else "-"
        count = latest.concept_count if latest else 0
        say(f"{item.slug}\tv{number}\t{count} concepts\t{item.name_en}\t{item.name_ar}")


@taxonomy.command("export")
@click.argument("slug")
@click.option("--version", "ref", default="latest", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(formats.FORMATS), default="json", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export(slug: str, ref: str, fmt: str, output: Path | None) -> None:
    """Write a published version (stdout by default)."""
    with reported():
        _at, made = browsing.export(SYSTEM, slug, ref, fmt)
    if output is None:
        click.echo(made.data, nl=False)  # bytes go to the binary stream as they are
    else:
        output.write_bytes(made.data)
        click.echo(f"Wrote {output} ({len(made.data)} bytes).", err=True)


@taxonomy.command("diff")
@click.argument("slug")
@click.argument("a")
@click.argument("b")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@with_appcontext
def diff(slug: str, a: str, b: str, fmt: str) -> None:
    """The changes that turn version A into version B."""
    with reported():
        difference = differences.difference(SYSTEM, slug, a, b)
    if fmt == "json":
        payload = {
            "from": difference.old.number,
            "to": difference.new.number,
            "changes": [to_json(c) for c in difference.changes],
        }
        click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    for change in difference.changes:
        concept = difference.after.get(change.id) or difference.before.get(change.id)
        label = concept.label("en") if concept else ""
        say(f"{change.op:8} {change.id}\t{label}")
    counts = ", ".join(f"{n} {op}" for op, n in sorted(difference.counts.items())) or "none"
    say(f"{len(difference.changes)} change(s): {counts}", err=True)


@taxonomy.command("validate")
@click.argument("slug")
@click.option("--version", "ref", default="latest", show_default=True)
@with_appcontext
def validate(slug: str, ref: str) -> None:
    """Check a published version with the engine's rules; exit 1 on errors."""
    with reported():
        at, found = browsing.findings(SYSTEM, slug, ref)
    for finding in found:
        say(f"{finding.severity.value}\t{finding}")
    errors = sum(1 for f in found if f.severity.value == "error")
    say(
        f"{at.taxonomy.slug} v{at.version.number}: {errors} error(s), "
        f"{len(found) - errors} warning(s).",
        err=True,
    )
    if errors:
        sys.exit(1)
