"""The `kb` command: Flask's CLI group, so `flask --app kb ...` reaches the same commands."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def _create_app() -> Flask:
    from kb import create_app
    from kb.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.command("check", help="Validate content; print file:line: message for each problem.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--explain",
    "explained",
    type=click.Path(path_type=Path),
    help="Say how FILE was read: its articles, and which guide format and why.",
)
def check_command(path: Path | None, strict: bool, explained: Path | None) -> None:
    from kb.checks.catalog import PROBES_FILE
    from kb.content.explain import explain
    from kb.content.library import content_files
    from kb.content_store import load_content

    root = path or (explained if explained and not path else None)
    root = root or Path(os.environ.get("KB_CONTENT_DIR") or "content")
    if not root.exists():
        raise click.ClickException(f"{root}: no such file or folder")
    if explained is not None and explained.is_dir():
        raise click.ClickException(f"{explained} is a folder: --explain takes one Markdown file")
    if explained is not None and not explained.is_file():
        raise click.ClickException(f"{explained}: no such file")
    if root.is_file() and root.suffix.lower() != ".md":
        raise click.ClickException(f"{root}: not a Markdown (.md) file")
    if root.is_dir() and not content_files(root) and not (root / PROBES_FILE).is_file():
        raise click.ClickException(f"{root} holds no Markdown (*.md) files")
    library = load_content(root)
    if explained is not None:
        base = root if root.is_dir() else root.parent
        try:
            source = explained.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            raise click.ClickException(f"{explained} is not under {root}") from None
        for line in explain(library, source):
            click.echo(line)
    # Paths as typed from here, so an editor or terminal can open `content/a.md:12`.
    base = root if root.is_dir() else root.parent
    for problem in library.problems:
        click.echo(str(replace(problem, source=(base / problem.source).as_posix())), err=True)
    for line in field_lines(library, base):
        click.echo(line)
    failing = library.problems if strict else library.errors
    files = len(library.digests)
    summary = (
        f"{files} file(s), {len(library.articles)} article(s), {len(library.trees)} tree(s): "
        f"{len(library.errors)} error(s), {len(library.problems) - len(library.errors)} warning(s)"
    )
    click.echo(summary)
    if failing:
        sys.exit(1)


def field_lines(library, base: Path = Path()) -> list[str]:
    """Each file's fill-in fields (kb.content.fields), so authors see what kb will ask for."""
    from kb.content.fields import is_secret, key_of

    by_file: dict[str, dict[str, str]] = {}
    for article in library.articles.values():
        names = by_file.setdefault(article.source, {})
        for name in article.fields:
            names.setdefault(key_of(name), name + (" (secret)" if is_secret(name) else ""))
    return [
        f"{(base / source).as_posix()}: fields: {', '.join(n.values())}"
        for source, n in by_file.items()
        if n
    ]


@click.command("serve", help="Serve the knowledge base with gunicorn (a production server).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(2, 1000))
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from kb import config as settings
    from kb.serving import gunicorn_settings

    # Check the settings here, so a bad one fails once with its message, before any
    # worker starts; each worker then builds its own app (no connections shared by fork).
    try:
        settings.finish(settings.settings_from_env(Flask("kb").instance_path))
    except settings.ConfigError as error:
        raise click.ClickException(str(error)) from None

    class _Server(BaseApplication):
        def load_config(self) -> None:
            # The production settings (timeouts, limits, logging), then this command's
            # options on top.
            chosen = {
                **gunicorn_settings(),
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
            }
            for key, value in chosen.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return _create_app()

    # Live checks may hold half of each worker's threads (kb/checks/admission.py).
    os.environ["KB_THREADS"] = str(threads)
    click.echo(f"kb: serving on http://{host}:{port}")
    _Server().run()


@click.command("index", help="Rebuild the search index aside and swap it in atomically.")
def index_command() -> None:
    from flask import Flask

    from kb import config as settings
    from kb.content.library import load_library
    from kb.search import index

    try:
        config = settings.settings_from_env(Flask("kb").instance_path)
        settings.finish(config)
    except settings.ConfigError as error:
        raise click.ClickException(str(error)) from None  # the live index is left as it is
    library = load_library(Path(config["KB_CONTENT_DIR"]))
    for problem in library.errors:
        click.echo(f"warning: {problem}", err=True)
    total = len(library.articles)
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        done = 0

        def progress(count: int, _total: int) -> None:
            nonlocal done
            bar.update(count - done)
            done = count

        generation = index.build(
            Path(config["KB_DATA_DIR"]), library, progress, extra=_contact_docs(config)
        )
    click.echo(f"Indexed {total} article(s) into {generation}")


@click.command(
    "alert-rules", help="Print, for every guide, the runbook_url annotation for its alert rule."
)
@click.option(
    "--base-url",
    default=None,
    help="Where kb is reached (default: KB_BASE_URL), e.g. https://kb.example.",
)
def alert_rules_command(base_url: str | None) -> None:
    from kb import config as settings
    from kb.alerts.rules import annotations_text, rule_links
    from kb.content_store import load_content

    try:
        config = settings.settings_from_env(Flask("kb").instance_path)
        base = settings.base_url(base_url if base_url is not None else config["KB_BASE_URL"])
        content = settings.content_folder(Path(config["KB_CONTENT_DIR"]))
    except settings.ConfigError as error:
        raise click.ClickException(str(error)) from None
    if not base:
        click.echo(
            "warning: KB_BASE_URL is not set; give --base-url https://kb.example for links "
            "an alert rule can use",
            err=True,
        )
    links = rule_links(load_content(content), base)
    click.echo(annotations_text(links) if links else "# no guides in this content")


@click.command(
    "simulate", help="Serve a simulated customer API (health endpoints) for demos and tests."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port",
)
@click.option(
    "--mode",
    default="healthy",
    show_default=True,
    type=click.Choice(
        ["healthy", "db-down", "redis-down", "memory-high", "rate-limited", "slow", "hang"]
    ),
)
def simulate_command(host: str, port: int, mode: str) -> None:
    from werkzeug.serving import make_server

    from kb.checks.simulator import create_simulator

    server = make_server(host, port, create_simulator(mode), threaded=True)
    click.echo(f"kb simulate: {mode} on http://{host}:{server.server_port}", err=False)
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@click.command(
    "export",
    help="Write a static copy of the knowledge base to FOLDER: every page, the guides as "
    "linked step pages, the contacts as of now (with CSV and vCard) and a search that needs "
    "no server. It works from file:// and from any static host.",
)
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(path_type=Path),
    help="Also write it as one zip file (or only that, without FOLDER).",
)
def export_command(folder: Path | None, zip_path: Path | None) -> None:
    from kb import config as settings
    from kb.static_export.archive import ExportError
    from kb.static_export.build import export_to
    from kb.static_export.sources import snapshot_from_settings

    if folder is None and zip_path is None:
        raise click.UsageError("name a FOLDER to write, --zip FILE, or both")
    try:
        config = settings.settings_from_env(Flask("kb").instance_path)
        settings.finish(config)
        snapshot = snapshot_from_settings(config)
        summary = export_to(snapshot, folder=folder, zip_path=zip_path)
    except (settings.ConfigError, ExportError) as error:
        raise click.ClickException(str(error)) from None
    for problem in snapshot.library.errors:
        click.echo(f"warning: {problem}", err=True)
    if not snapshot.contacts:
        click.echo("warning: the contacts directory is empty (start kb once, or run kb seed)")
    where = " and ".join(str(p) for p in (folder, zip_path) if p is not None)
    click.echo(
        f"Exported {summary.articles} article(s), {summary.guides} guide(s) and "
        f"{summary.contacts} contact(s) as {summary.pages} page(s) to {where}"
    )


def _contact_docs(config: dict) -> dict:
    """The database's search documents, without building a whole app (and its index)."""
    from kb.db import import_models, make_engine, upgrade
    from kb.search.setup import database_documents

    import_models()
    engine = make_engine(config["KB_DATABASE_URL"])
    upgrade(engine, Path(config["KB_DATA_DIR"]))
    try:
        return database_documents(engine)
    finally:
        engine.dispose()


COMMANDS = [
    check_command,
    serve_command,
    index_command,
    alert_rules_command,
    simulate_command,
    export_command,
]


@click.group("db", help="Database schema.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database to the latest schema (also done at start).")
@with_appcontext
def db_upgrade_command() -> None:
    from flask import current_app

    from kb.db import upgrade

    upgrade(current_app.extensions["kb.db"], Path(current_app.config["KB_DATA_DIR"]))
    click.echo("database is at the latest schema")


@click.command("seed", help="Add the runbook's emergency contacts that are missing (idempotent).")
@with_appcontext
def seed_command() -> None:
    from flask import current_app
    from sqlmodel import Session

    from kb.contacts.seed import seed_contacts
    from kb.search.setup import refresh_contacts

    with Session(current_app.extensions["kb.db"]) as session:
        added = seed_contacts(session=session, library=current_app.extensions["kb.library"])
    refresh_contacts(current_app)
    click.echo(f"added {added} contact(s)")


@click.group("user", help="People who may log in.")
def user_group() -> None:
    pass


@user_group.command("add", help="Add a user; the password is prompted for (or read from stdin).")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["viewer", "editor", "admin", "alerts"]),
    default="editor",
    show_default=True,
    help="alerts: an account for Alertmanager or Grafana, which may only post alerts.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_add_command(username: str, role: str, password_stdin: bool) -> None:
    from flask import current_app
    from sqlmodel import Session

    from kb.auth.service import AuthError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with Session(current_app.extensions["kb.db"]) as session:
        try:
            create_user(session=session, username=username, password=password, role=role)
        except AuthError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"added {username} ({role})")


@click.group("token", help="API tokens for scripts.")
def token_group() -> None:
    pass


@token_group.command("create", help="Print a new API token for USERNAME (shown once).")
@click.argument("username")
@with_appcontext
def token_create_command(username: str) -> None:
    from flask import current_app
    from sqlmodel import Session

    from kb.auth.service import AuthError, create_token

    with Session(current_app.extensions["kb.db"]) as session:
        try:
            click.echo(create_token(session=session, username=username))
        except AuthError as error:
            raise click.ClickException(str(error)) from None


APP_COMMANDS = [db_group, seed_command, user_group, token_group]


def init_app(app: Flask) -> None:
    for command in COMMANDS + APP_COMMANDS:
        app.cli.add_command(command)


class KbGroup(FlaskGroup):
    """Flask's group, with every kb command registered on it: listing and `--help` never
    need the app (so they work from any folder), an unknown command is 'No such command',
    and what goes wrong outside kb (a data folder that is a file, a database URL that is
    not one) is one line, not a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(click.Group.list_commands(self, ctx))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name)

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # `kb check | head`: click ends quietly
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except (SQLAlchemyError, ValueError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise click.ClickException(message) from None


cli = KbGroup(
    create_app=_create_app,
    add_version_option=False,
    help="kb: incident knowledge base and troubleshooting expert system.",
)
for _command in COMMANDS + APP_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli.main(prog_name="kb")
