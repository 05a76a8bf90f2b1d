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
