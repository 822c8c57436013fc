"""How much a file may hold before it is refused: a hostile or broken file must be turned
away early, with a clear finding, before it costs the server gigabytes or minutes.

The defaults are far above the largest real classification we know (ISIC has 766 concepts,
AGIFT about 3,500, a national services directory tens of thousands), and every one can be
raised (WORKSHOP_IMPORT_MAX_* settings)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..findings import Finding, Severity


@dataclass(frozen=True)
class Limits:
    concepts: int = 300_000  # rows of a table, concepts of a JSON or SKOS file
    columns: int = 500  # header cells of a table
    cell_chars: int = 131_072  # one cell, one label or note (the csv module's own default)
    cells: int = 10_000_000  # non-empty cells of all tables together
    unzipped_mb: int = 300  # an XLSX workbook's parts, decompressed

    @property
    def unzipped_bytes(self) -> int:
        return self.unzipped_mb * 1024 * 1024


DEFAULT_LIMITS = Limits()


def over_limit(rule: str, limit: int, line: int | None = None, **params: object) -> Finding:
    return Finding(rule, Severity.ERROR, None, {"limit": f"{limit:,}", **params}, line=line)


def unzipped_size_problem(data: bytes, limits: Limits) -> Finding | None:
    """A workbook whose parts decompress to more than the limit (a zip bomb), found from the
    archive's directory before anything is decompressed. zipfile stops reading a part at the
    size its directory declares, so a part cannot lie its way past this check."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # the reader names what is wrong with the archive
    if total > limits.unzipped_bytes:
        return over_limit("too_large_unzipped", limits.unzipped_mb, size=total // (1024 * 1024))
    return None
