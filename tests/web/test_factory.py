"""The application factory and its configuration."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import create_app
from workshop.config import database_uri

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_use_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'workshop.db'}"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ar"
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024


def test_environment_overrides_instance_config_which_overrides_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("MAX_UPLOAD_MB = 5\nLOGIN_RATE_LIMIT = '3 per minute'\n")
    monkeypatch.setenv("WORKSHOP_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", "postgresql://u@db.example/ws")
    monkeypatch.setenv("WORKSHOP_SECURE_COOKIES", "true")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024
    assert app.config["LOGIN_RATE_LIMIT"] == "3 per minute"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/ws"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_secret_key_from_the_environment_is_used_and_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", "from-the-environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.secret_key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_without_a_configured_secret_one_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).secret_key
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).secret_key
    other = create_app({"INSTANCE_PATH": str(tmp_path / "other")}).secret_key
    assert first == second
    assert first != other
    assert len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:////var/x.db", "sqlite:////var/x.db"),
    ],
)
def test_database_urls_are_normalised_to_the_psycopg3_driver(url, expected):
    assert database_uri(url, Path("/tmp")) == expected


def test_a_wheel_installed_without_the_source_tree_finds_templates_and_static(tmp_path):
    """`pip install .` (not editable) must ship templates/, static/ and the catalogues."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    target = tmp_path / "site"
    wheel = next(wheels.glob("*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    probe = (
        "import workshop, sys\n"
        f"assert workshop.__file__.startswith({str(target)!r}), workshop.__file__\n"
        "app = workshop.create_app({'INSTANCE_PATH': sys.argv[1], 'SECRET_KEY': 'x'})\n"
        "client = app.test_client()\n"
        "page = client.get('/login')\n"
        "assert page.status_code == 200, page.status_code\n"
        "assert 'dir=\"rtl\"' in page.text and 'تسجيل الدخول' in page.text\n"
        "js = client.get('/static/vendor/htmx-4.0.1.min.js')\n"
        "assert js.status_code == 200 and len(js.data) > 10000\n"
        "js.close()\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("WORKSHOP_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "instance")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    # Every template and static file of the source tree is in the wheel.
    for folder in ("templates", "static"):
        shipped = {
            p.relative_to(target / "workshop" / folder)
            for p in (target / "workshop" / folder).rglob("*")
            if p.is_file()
        }
        source = {p.relative_to(ROOT / folder) for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert source - shipped == set(), folder
