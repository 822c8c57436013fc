"""Findings a person can act on: grouped by kind with a count and the first examples, and
every one of them as a CSV file (nothing is cut off)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..taxonomy import Finding, Severity

EXAMPLES = 5


@dataclass(frozen=True)
class Group:
    """All findings of one kind: how many, and the first few as examples."""

    rule: str
    severity: Severity
    count: int
    examples: list[Finding]


def grouped(findings: Iterable[Finding | str]) -> list[Group]:
    """Errors first, then the most frequent kinds; examples in the order found."""
    by_kind: dict[tuple[Severity, str], list[Finding]] = {}
    for finding in findings:
        if isinstance(finding, str):  # an accounts file's problems are plain sentences
            finding = Finding("text", Severity.ERROR, None, {"text": finding})
        by_kind.setdefault((finding.severity, finding.rule), []).append(finding)
    groups = [
        Group(rule, severity, len(members), members[:EXAMPLES])
        for (severity, rule), members in by_kind.items()
    ]
    return sorted(groups, key=lambda g: (g.severity is not Severity.ERROR, -g.count, g.rule))


def as_csv(findings: Sequence[Finding], language: str) -> bytes:
    """Every finding, one a row, with its kind, concept and line (UTF-8 with a byte order
    mark, so that spreadsheet programs read Arabic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["severity", "kind", "concept", "line", "message"])
    for finding in findings:
        writer.writerow(
            [
                finding.severity.value,
                finding.rule,
                finding.concept or "",
                finding.line if finding.line is not None else "",
                finding.text(language),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_data(findings: Iterable[Finding]) -> list[dict[str, object]]:
    """Findings as JSON data, to keep them with an upload."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "concept": f.concept,
            "params": dict(f.params),
            "line": f.line,
        }
        for f in findings
    ]


def from_data(data: Iterable[dict[str, object]]) -> list[Finding]:
    result = []
    for item in data:
        params = item.get("params")
        line = item.get("line")
        result.append(
            Finding(
                str(item["rule"]),
                Severity(str(item["severity"])),
                str(item["concept"]) if item.get("concept") is not None else None,
                dict(params) if isinstance(params, dict) else {},
                int(line) if isinstance(line, int) else None,
            )
        )
    return result
