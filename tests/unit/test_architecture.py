"""The pure core (taxonomy, consensus) imports nothing of the web or database layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"
TEMPLATES = PACKAGE.parent / "templates"
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


# The engine's public face: the shell imports these packages, never a module inside them.
PUBLIC_CORE = {"workshop.taxonomy", "workshop.taxonomy.formats", "workshop.consensus"}


def shell_files() -> list[Path]:
    return [
        f
        for f in sorted(PACKAGE.rglob("*.py"))
        if f.relative_to(PACKAGE).parts[0] not in (*PURE, "migrations")
    ]


def core_internals_used(source: str, module: str) -> list[str]:
    return [
        name
        for name in imported_modules(source, module)
        if name.startswith(("workshop.taxonomy", "workshop.consensus")) and name not in PUBLIC_CORE
    ]


def test_the_shell_imports_only_the_public_api_of_the_core():
    used = {
        module_name(f): core_internals_used(f.read_text(encoding="utf-8"), module_name(f))
        for f in shell_files()
    }
    assert {m: names for m, names in used.items() if names} == {}


def test_the_public_api_check_catches_an_internal_import():
    source = "from ..taxonomy.apply import apply\nfrom ..taxonomy import Tree\n"
    assert core_internals_used(source, "workshop.services.probe") == ["workshop.taxonomy.apply"]


def private_names_imported(source: str) -> list[str]:
    return [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.level
        for alias in node.names
        if alias.name.startswith("_")
    ]


@pytest.mark.parametrize("package", PURE)
def test_the_core_imports_no_private_name_across_its_modules(package):
    found = {
        module_name(f): private_names_imported(f.read_text(encoding="utf-8"))
        for f in sorted((PACKAGE / package).rglob("*.py"))
    }
    assert {m: names for m, names in found.items() if names} == {}
    assert private_names_imported("from .apply import _run, apply") == ["_run"]


ROLE_AS_STRING = re.compile(r"""role(\.value)?\s*[!=]=\s*['"]|['"]\s*[!=]=\s*\S*role\b""")


def test_roles_are_never_compared_as_strings_in_services_or_templates():
    places = [*sorted((PACKAGE / "services").glob("*.py")), *sorted(TEMPLATES.rglob("*.html"))]
    assert places
    found = [
        f"{path.name}: {line.strip()}"
        for path in places
        for line in path.read_text(encoding="utf-8").splitlines()
        if ROLE_AS_STRING.search(line)
    ]
    assert found == []
    assert ROLE_AS_STRING.search("{% elif current_user.role.value == 'observer' %}")
    assert ROLE_AS_STRING.search('if user.role == "coordinator":')
