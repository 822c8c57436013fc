"""Errors a service raises; the web and CLI layers show their messages as they are."""

from __future__ import annotations

from collections.abc import Sequence

from ..taxonomy import Finding


class ServiceError(Exception):
    """A request the service refused; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class PermissionDenied(ServiceError):
    """The signed-in user's role does not allow the action."""


class NotFound(ServiceError):
    """The object the action names does not exist."""


class Closed(ServiceError):
    """The vote (or whatever the action was for) has closed; nothing was written."""


class Busy(ServiceError):
    """The database stayed locked by another writer for longer than it waits; nothing was
    written, and the same request may simply be sent again."""


class InvalidFile(ServiceError):
    """An uploaded file was rejected; `problems` names each line at fault: the engine's
    findings for a classification file, sentences for an accounts file."""

    def __init__(self, message: str, problems: Sequence[Finding | str]) -> None:
        super().__init__(message)
        self.problems = list(problems)
