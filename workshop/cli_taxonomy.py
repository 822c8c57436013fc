"""`workshop taxonomy ...`: import, list, export, diff and validate from the command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import orjson
from flask.cli import with_appcontext

from .services import browsing, formats, taxonomies, uploads
from .services.errors import InvalidFile, ServiceError
from .services.permissions import SYSTEM
from .taxonomy import to_json

FORMATS = click.Choice(["auto", *formats.FORMATS])


@click.group("taxonomy")
def taxonomy() -> None:
    """Import, list, export, compare and check taxonomies."""


@contextmanager
def reported() -> Iterator[None]:
    """Service errors to stderr with a non-zero exit; nothing was written."""
    try:
        yield
    except InvalidFile as error:
        click.echo(f"Error: {error.message}", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    except ServiceError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)


@taxonomy.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--taxonomy", "slug", required=True, help="Short name, e.g. gov-services.")
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@click.option("--name-ar", default="", help="Arabic name (a new taxonomy).")
@click.option("--name-en", default="", help="English name (a new taxonomy).")
@click.option("--new-version", is_flag=True, help="Publish as the next version of SLUG.")
@click.option("--note", default="", help="What this version is.")
@click.option("--map", "mapping", default="", help="Columns: ours=theirs,... (CSV/XLSX).")
@click.option("--dotted-codes", is_flag=True, help="Parents from codes: 01.1.2 -> 01.1.")
@with_appcontext
def import_file(
    path: Path,
    slug: str,
    fmt: str,
    name_ar: str,
    name_en: str,
    new_version: bool,
    note: str,
    mapping: str,
    dotted_codes: bool,
) -> None:
    """Import PATH as version 1 of a new taxonomy, or as its next version."""
    data = path.read_bytes()
    with reported(), click.progressbar(length=1, label="Storing concepts") as bar:
        upload = uploads.Upload(data, path.name, fmt, uploads.column_mapping(mapping, dotted_codes))

        def progress(rows: int) -> None:
            bar.length = max(bar.length or 1, bar.pos + rows)
            bar.update(rows)

        if new_version:
            published = taxonomies.publish_file(SYSTEM, slug, upload, note, progress)
        else:
            new = taxonomies.NewTaxonomy(slug, name_ar or slug, name_en or slug)
            published = taxonomies.create_from_file(SYSTEM, new, upload, note, progress)
    version = published.version
    click.echo(
        f"{slug} version {version.number}: {version.concept_count} concepts, "
        f"{version.change_count} changes, {version.rows_written} rows written."
    )
    if published.warnings:
        click.echo(f"{len(published.warnings)} warning(s) to fix through proposals:", err=True)
        for finding in published.warnings[:20]:
            click.echo(f"  {finding}", err=True)


@taxonomy.command("list")
@with_appcontext
def list_taxonomies() -> None:
    """Taxonomies with their latest version."""
    for item, latest in taxonomies.list_taxonomies(SYSTEM):
        number = latest.number if latest else "-"
        count = latest.concept_count if latest else 0
        click.echo(f"{item.slug}\tv{number}\t{count} concepts\t{item.name_en}\t{item.name_ar}")


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
        difference = browsing.difference(SYSTEM, slug, a, b)
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
        click.echo(f"{change.op:8} {change.id}\t{label}")
    counts = ", ".join(f"{n} {op}" for op, n in sorted(difference.counts.items())) or "none"
    click.echo(f"{len(difference.changes)} change(s): {counts}", err=True)


@taxonomy.command("validate")
@click.argument("slug")
@click.option("--version", "ref", default="latest", show_default=True)
@with_appcontext
def validate(slug: str, ref: str) -> None:
    """Check a published version with the engine's rules; exit 1 on errors."""
    with reported():
        at, found = browsing.findings(SYSTEM, slug, ref)
    for finding in found:
        click.echo(f"{finding.severity.value}\t{finding}")
    errors = sum(1 for f in found if f.severity.value == "error")
    click.echo(
        f"{at.taxonomy.slug} v{at.version.number}: {errors} error(s), "
        f"{len(found) - errors} warning(s).",
        err=True,
    )
    if errors:
        sys.exit(1)
