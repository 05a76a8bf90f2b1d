"""Settings from the environment, with defaults that let a first run just work."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

PLACEHOLDER_SECRETS = {
    "dev",
    "development",
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "secret-key",
    "your-secret-key",
    "test",
    "default",
    "xxx",
}
SECRET_FILE = "secret_key"
MIN_DISTINCT_CHARACTERS = 8  # "aaaaaaaaaaaaaaaa" is 16 characters and no secret


class ConfigError(RuntimeError):
    """A setting that must not be used; the message says which and why."""


def settings_from_env(instance_path: str) -> dict:
    data_dir = Path(os.environ.get("KB_DATA_DIR") or instance_path)
    return {
        "KB_CONTENT_DIR": os.environ.get("KB_CONTENT_DIR") or "content",
        "KB_DATA_DIR": str(data_dir),
        "KB_DATABASE_URL": os.environ.get("KB_DATABASE_URL") or "",
        "KB_SECRET_KEY": os.environ.get("KB_SECRET_KEY") or "",
        "KB_PROBE_CACHE_SECONDS": float(os.environ.get("KB_PROBE_CACHE_SECONDS") or 5),
        "KB_PROBE_RATE_PER_MINUTE": int(os.environ.get("KB_PROBE_RATE_PER_MINUTE") or 60),
        "KB_PUBLIC_READ": (os.environ.get("KB_PUBLIC_READ") or "true").strip().lower()
        not in ("0", "false", "no"),
        "KB_CONTACT_STALE_DAYS": int(os.environ.get("KB_CONTACT_STALE_DAYS") or 90),
        "KB_TRUST_PROXY": (os.environ.get("KB_TRUST_PROXY") or "").strip().lower()
        in ("1", "true", "yes"),
        # Where kb is reached, for the few absolute links it writes (exports): never taken
        # from the request's Host header, which any client can set.
        "KB_BASE_URL": (os.environ.get("KB_BASE_URL") or "").strip().rstrip("/"),
        "TRUSTED_HOSTS": [
            h.strip() for h in (os.environ.get("KB_TRUSTED_HOSTS") or "").split(",") if h.strip()
        ]
        or None,
        # Forms and JSON are small; the CSV import is capped at 512 KiB inside this.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    }


def finish(config: dict) -> None:
    """Fill derived defaults once env and test overrides are merged."""
    data_dir = Path(config["KB_DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    config["KB_DATA_DIR"] = str(data_dir)
    config["KB_CONTENT_DIR"] = str(content_folder(Path(config["KB_CONTENT_DIR"])))
    if not config.get("KB_DATABASE_URL"):
        config["KB_DATABASE_URL"] = f"sqlite:///{data_dir / 'kb.sqlite3'}"
    config["SECRET_KEY"] = secret_key(config.get("KB_SECRET_KEY", ""), data_dir)
    base = (config.get("KB_BASE_URL") or "").strip().rstrip("/")
    config["KB_BASE_URL"] = base
    if base and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base):
        raise ConfigError(
            f"KB_BASE_URL must be an http(s) address such as https://kb.example, not {base!r}"
        )


def content_folder(path: Path) -> Path:
    """The content folder, which must exist and hold Markdown: started from the wrong
    folder, kb says so instead of serving (and indexing) nothing."""
    resolved = path.resolve()
    if not resolved.exists():
        raise ConfigError(
            f"KB_CONTENT_DIR: {resolved} does not exist; run kb from the folder that holds "
            "content/, or set KB_CONTENT_DIR to your runbooks' folder"
        )
    if resolved.is_dir() and not any(resolved.rglob("*.md")):
        raise ConfigError(f"KB_CONTENT_DIR: {resolved} holds no Markdown (*.md) files")
    return resolved


def secret_key(given: str, data_dir: Path) -> str:
    """Use the configured key; without one, make a random key once and keep it."""
    if given:
        weak = len(set(given)) < MIN_DISTINCT_CHARACTERS
        if given.strip().lower() in PLACEHOLDER_SECRETS or len(given) < 16 or weak:
            raise ConfigError(
                "KB_SECRET_KEY is a placeholder, shorter than 16 characters or too repetitive; "
                "set a random value (python -c 'import secrets; print(secrets.token_hex(32))') "
                "or unset it"
            )
        return given
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting together must agree on one key, not overwrite each other.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
