"""The pure core (taxonomy, consensus) imports nothing of the web or database layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"
PURE = ("taxonomy", "consensus")
FORBIDDEN = (
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_babel",
    "flask_migrate",
    "flask_limiter",
    "sqlalchemy",
    "werkzeug",
    "wtforms",
)
FORBIDDEN_INTERNAL = ("web", "services", "models", "extensions", "database", "cli")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def imported_modules(source: str, module: str) -> list[str]:
    """Absolute module names imported by a module's source, relative imports resolved."""
    tree = ast.parse(source)
    parts = module.split(".")
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level]
                names.append(".".join([*base, node.module] if node.module else base))
            else:
                names.append(node.module or "")
    return names


def offending(source: str, module: str) -> list[str]:
    bad = []
    for name in imported_modules(source, module):
        top = name.split(".")[0]
        internal = name.split(".")[1] if name.startswith("workshop.") else None
        if top in FORBIDDEN or internal in FORBIDDEN_INTERNAL:
            bad.append(name)
    return bad


@pytest.mark.parametrize("package", PURE)
def test_the_pure_core_imports_no_web_or_database_layer(package):
    files = sorted((PACKAGE / package).rglob("*.py"))
    assert files
    found = {
        module_name(f): offending(f.read_text(encoding="utf-8"), module_name(f)) for f in files
    }
    assert {f: names for f, names in found.items() if names} == {}


def test_the_check_catches_a_forbidden_import():
    source = "from ..models import User\nimport sqlalchemy.orm\nfrom . import tree\n"
    assert offending(source, "workshop.taxonomy.probe") == ["workshop.models", "sqlalchemy.orm"]
