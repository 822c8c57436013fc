"""Command line: `workshop ...` (also `flask --app workshop ...`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .services import account_csv, demo
from .services.errors import InvalidFile, ServiceError
from .services.permissions import SYSTEM, Role


def main() -> None:
    """Entry point of the `workshop` console script."""
    from . import create_app

    cli = FlaskGroup(create_app=create_app, help="Taxonomy-consensus workshop.")
    cli.main(prog_name="workshop")


def register_cli(app: Flask) -> None:
    from .cli_taxonomy import taxonomy

    for command in (init_db, seed_demo, serve, demo_command, users, taxonomy, audit_group):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database or bring it to the newest schema (runs the migrations)."""
    from .database import upgrade_schema

    upgrade_schema()
    click.echo("Database ready.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Add the demo agencies and accounts that are missing (safe to run again)."""
    created = demo.seed()
    click.echo(f"Demo data: {len(created)} account(s) added.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the application with waitress (a production WSGI server)."""
    from .serving import serve_app

    serve_app(current_app._get_current_object(), host, port, threads)  # type: ignore[attr-defined]


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database, then stop.")
@with_appcontext
def demo_command(host: str, port: int, threads: int, no_serve: bool) -> None:
    """Create the database if needed, seed the demo when empty and serve it."""
    from .database import upgrade_schema

    upgrade_schema()
    demo.seed()
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
    click.echo(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
    for account in demo.demo_accounts():
        agency = f" [{account.agency}]" if account.agency else ""
        click.echo(f"  {account.username:<18} {account.role.value}{agency}")
    if not no_serve:
        from .serving import serve_app

        serve_app(current_app._get_current_object(), host, port, threads)  # type: ignore[attr-defined]


@click.group("users")
def users() -> None:
    """Manage accounts."""


@users.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_users(path: Path) -> None:
    """Create accounts from a CSV file (agency, username, display_name, role): all or none."""
    try:
        issued = account_csv.import_accounts(SYSTEM, path.read_bytes())
    except InvalidFile as error:
        click.echo(f"Error: {error.message}", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{len(issued)} account(s) created. One-time passwords:")
    for item in issued:
        click.echo(f"  {item.user.username}\t{item.password}")


@users.command("create-coordinator")
@click.option("--username", prompt=True)
@click.option("--display-name", prompt=True)
@click.password_option()
@with_appcontext
def create_coordinator(username: str, display_name: str, password: str) -> None:
    """Create a coordinator account (the first one, or another)."""
    from .services.accounts import NewAccount, create_account

    try:
        issued = create_account(
            SYSTEM, NewAccount(username, display_name, Role.COORDINATOR, None, password)
        )
    except ServiceError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)
    click.echo(f"Coordinator {issued.user.username} created.")


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Walk the audit chain: exit 0 when every entry holds, else name the first broken one
    and exit 1."""
    from .services.audit import check_chain

    verdict = check_chain()
    if verdict.broken is not None:
        click.echo(f"The audit chain is broken: {verdict.broken.words()}.", err=True)
        sys.exit(1)
    click.echo(f"The audit chain holds: {verdict.entries} entries, head {verdict.head}.")
