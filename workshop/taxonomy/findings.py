"""Findings of validation and conflicts of changes: a machine-readable kind plus texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from .messages import render


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule a tree (or a file) breaks: `rule` is the message kind, `where` a line or id."""

    rule: str
    severity: Severity
    concept: str | None
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    line: int | None = None

    def text(self, language: str = "en") -> str:
        message = render(self.rule, language, {"concept": self.concept, **self.params})
        if self.line is None:
            return message
        prefix = f"السطر {self.line}: " if language == "ar" else f"Line {self.line}: "
        return prefix + message

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why a change could not be applied."""

    kind: str
    concept: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, language: str = "en") -> str:
        return render(self.kind, language, {"concept": self.concept, **self.params})

    def __str__(self) -> str:
        return self.text("en")


class TreeError(ValueError):
    """A tree or file that cannot be used: every blocking finding is listed."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        shown = "; ".join(f.text() for f in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        super().__init__(shown + more)
