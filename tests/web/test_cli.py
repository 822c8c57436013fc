"""The `workshop` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from workshop.models import Agency, AuditEntry, Role, User, db
from workshop.services.demo import DEMO_PASSWORD


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Agency, User, AuditEntry)
    )


def test_init_db_is_safe_to_run_on_a_current_database(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output


def test_seed_demo_adds_53_agencies_and_accounts_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first[0] == 53
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 account(s) added" in second.output
    assert counts() == after_first
    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    assert check_password_hash(coordinator.password_hash, DEMO_PASSWORD)
    arabic = db.session.scalar(select(Agency.name_ar).where(Agency.code == "MOH"))
    assert arabic == "وزارة الصحة"


def test_demo_prepares_the_database_and_prints_the_sign_ins(app):
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "coordinator" in result.output and DEMO_PASSWORD in result.output
    from workshop.models import Comment, Proposal

    proposal = db.session.scalar(select(Proposal))  # one open proposal, discussed
    assert proposal.status == "open" and proposal.change_count == 1
    assert len(db.session.scalars(select(Comment)).all()) == 2
    again = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert again.exit_code == 0 and len(db.session.scalars(select(Proposal)).all()) == 1


def test_users_import_creates_all_accounts_and_prints_their_passwords(app, factory, tmp_path):
    factory.agency()
    path = tmp_path / "people.csv"
    path.write_text("agency,username,display_name,role\nMOH,rep-1,ممثل,representative\n")
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "rep-1\t" in result.output
    assert db.session.scalar(select(User).where(User.username == "rep-1")).agency.code == "MOH"


def test_users_import_of_a_bad_file_fails_and_writes_nothing(app, factory, tmp_path):
    factory.agency()
    path = tmp_path / "people.csv"
    path.write_text(
        "agency,username,display_name,role\nMOH,rep-1,A,representative\nNOPE,rep-2,B,representative\n"
    )
    before = counts()
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "Line 3" in result.stderr and "NOPE" in result.stderr
    assert counts() == before


def test_create_coordinator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create-coordinator",
            "--username",
            "boss",
            "--display-name",
            "المنسق العام",
        ],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    assert boss.role is Role.COORDINATOR and boss.display_name == "المنسق العام"
    again = runner.invoke(
        args=["users", "create-coordinator", "--username", "boss", "--display-name", "x"],
        input="a-long-password\na-long-password\n",
    )
    assert again.exit_code == 1 and "boss" in again.stderr


def test_the_console_script_lists_the_commands(tmp_path):
    script = Path(sys.executable).with_name("workshop")
    env = {**os.environ, "WORKSHOP_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    for command in ("demo", "serve", "init-db", "seed-demo", "users"):
        assert command in result.stdout
