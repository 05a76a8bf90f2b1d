"""Settings: a first run just works; placeholder secrets are refused."""

from __future__ import annotations

import pytest

from kb.config import ConfigError


def test_a_secret_key_is_generated_once_and_kept(make_app, tmp_path):
    first = make_app().config["SECRET_KEY"]
    second = make_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("placeholder", ["dev", "changeme", "secret", "short-but-real"])
def test_placeholder_secret_keys_are_refused(make_app, placeholder):
    with pytest.raises(ConfigError, match="KB_SECRET_KEY"):
        make_app(KB_SECRET_KEY=placeholder)


def test_environment_sets_folders_and_database(monkeypatch, tmp_path):
    from kb import create_app

    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KB_CONTENT_DIR", str(tmp_path))
    (tmp_path / "runbook.md").write_text("# Runbook\n")
    app = create_app()
    assert app.config["KB_DATA_DIR"] == str(tmp_path / "d")
    assert app.config["KB_DATABASE_URL"] == f"sqlite:///{tmp_path / 'd' / 'kb.sqlite3'}"


@pytest.mark.parametrize(
    ("variable", "value", "expects"),
    [
        ("KB_PROBE_RATE_PER_MINUTE", "abc", "a whole number from 1 to 100000"),
        ("KB_PROBE_RATE_PER_MINUTE", "0", "a whole number from 1 to 100000"),
        ("KB_PROBE_CACHE_SECONDS", "soon", "a number of seconds from 0 to 3600"),
        ("KB_CONTACT_STALE_DAYS", "-5", "a whole number from 1 to 3650"),
        ("KB_PUBLIC_READ", "maybe", "true or false"),
    ],
)
def test_a_bad_setting_names_its_variable_and_what_it_expects(
    monkeypatch, tmp_path, variable, value, expects
):
    from kb.config import settings_from_env

    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        settings_from_env(str(tmp_path))
    assert str(error.value).startswith(f"{variable}: expected {expects}, got '{value}'")


def test_kb_serve_reports_a_bad_setting_without_a_traceback(monkeypatch):
    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.setenv("KB_PROBE_RATE_PER_MINUTE", "abc")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1 and "KB_PROBE_RATE_PER_MINUTE: expected" in result.output
    assert "Traceback" not in result.output


def test_help_and_unknown_commands_work_from_any_folder(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.chdir(tmp_path)  # no content/ here
    monkeypatch.delenv("KB_CONTENT_DIR", raising=False)
    listing = CliRunner().invoke(cli, ["--help"])
    assert listing.exit_code == 0 and "Traceback" not in listing.output
    assert all(name in listing.output for name in ("db", "seed", "user", "token", "export"))
    assert CliRunner().invoke(cli, ["db", "--help"]).exit_code == 0
    unknown = CliRunner().invoke(cli, ["nosuchcmd"])
    assert unknown.exit_code == 2 and "No such command 'nosuchcmd'" in unknown.output


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("KB_DATA_DIR", "{file}", "File exists"),
        ("KB_DATABASE_URL", "foo", "Could not parse SQLAlchemy URL"),
        ("KB_DATABASE_URL", "sqlite:////nonexistent/dir/x.db", "No such file or directory"),
    ],
)
def test_what_goes_wrong_outside_kb_is_one_line_not_a_traceback(
    monkeypatch, tmp_path, variable, value, says
):
    from click.testing import CliRunner

    from kb.cli import cli
    from tests.conftest import FIXTURES

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    monkeypatch.setenv("KB_CONTENT_DIR", str(FIXTURES))
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(variable, value.format(file=a_file))
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1 and says in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "option", [["--port", "99999"], ["--workers", "0"], ["--threads", "0"], ["--threads", "1"]]
)
def test_serve_refuses_numbers_it_cannot_use(option):
    from click.testing import CliRunner

    from kb.cli import cli

    result = CliRunner().invoke(cli, ["serve", *option])
    assert result.exit_code == 2 and "Invalid value" in result.output


@pytest.mark.parametrize("threads", ["1", "0"])
def test_gunicorn_never_runs_kb_on_a_single_thread(threads):
    """A live check may hold a thread for its timeout; /health must keep another."""
    from kb.serving import gunicorn_settings

    chosen = gunicorn_settings({"KB_THREADS": threads})
    assert chosen["threads"] == 2 and chosen["worker_class"] == "gthread"
