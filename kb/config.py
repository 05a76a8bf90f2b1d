"""Settings from the environment, with defaults that let a first run just work."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

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


def _text(raw: str) -> str:
    return raw.strip()


def _whole(low: int, high: int):
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError
        return value

    parse.expects = f"a whole number from {low} to {high}"
    return parse


def _seconds(raw: str) -> float:
    value = float(raw)
    if not 0 <= value <= 3600:
        raise ValueError
    return value


_seconds.expects = "a number of seconds from 0 to 3600"


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError


_flag.expects = "true or false"


def _optional_whole(low: int, high: int):
    whole = _whole(low, high)

    def parse(raw: str) -> int | None:
        return whole(raw) if raw.strip() else None

    parse.expects = whole.expects + " (or unset)"
    return parse


def _hosts(raw: str) -> list[str] | None:
    return [h.strip() for h in raw.split(",") if h.strip()] or None


# Every setting kb reads from the environment: its variable, how it is read, its default
# (README, "Configuration"). One table, parsed once at start, each error naming the
# variable and what it expects.
SETTINGS = {
    "KB_CONTENT_DIR": (_text, "content"),
    "KB_DATABASE_URL": (_text, ""),
    "KB_SECRET_KEY": (_text, ""),
    "KB_PROBE_CACHE_SECONDS": (_seconds, "5"),
    "KB_PROBE_RATE_PER_MINUTE": (_whole(1, 100_000), "60"),
    # Requests that may wait on live checks at once, per process (unset: half the threads).
    "KB_PROBE_CONCURRENT_REQUESTS": (_optional_whole(1, 1000), ""),
    "KB_PUBLIC_READ": (_flag, "true"),
    "KB_CONTACT_STALE_DAYS": (_whole(1, 3650), "90"),
    "KB_TRUST_PROXY": (_flag, "false"),
    # Rate limits shared through Redis instead of the database (redis://host:6379/0).
    "KB_REDIS_URL": (_text, ""),
    # Where kb is reached, for the few absolute links it writes (exports): never taken
    # from the request's Host header, which any client can set.
    "KB_BASE_URL": (_text, ""),
    "KB_TRUSTED_HOSTS": (_hosts, ""),
}


# Where a guide's live checks go (kb.checks.catalog): checked at start, as the rest is.
_TARGET_VARIABLE = re.compile(r"KB_TARGET_[A-Z0-9_]+_URL")


def is_setting(name: str) -> bool:
    """Whether an environment variable is one of kb's own settings (never a probe's secret)."""
    return (
        name in SETTINGS
        or name in ("KB_DATA_DIR", "KB_THREADS")
        or bool(_TARGET_VARIABLE.fullmatch(name))
    )


def settings_from_env(instance_path: str, environ=os.environ) -> dict:
    config: dict = {}
    for name, (parse, default) in SETTINGS.items():
        raw = environ.get(name) or default
        try:
            config[name] = parse(raw)
        except ValueError:
            expects = getattr(parse, "expects", "a valid value")
            raise ConfigError(f"{name}: expected {expects}, got {raw!r}") from None
    for name, raw in environ.items():
        if _TARGET_VARIABLE.fullmatch(name) and raw:
            wrong = target_url_problem(raw)
            if wrong:
                raise ConfigError(f"{name} {wrong}")
    config["KB_DATA_DIR"] = str(Path(environ.get("KB_DATA_DIR") or instance_path))
    config["TRUSTED_HOSTS"] = config.pop("KB_TRUSTED_HOSTS")
    # Forms and JSON are small; the CSV import is capped at 512 KiB inside this.
    config["MAX_CONTENT_LENGTH"] = config["MAX_FORM_MEMORY_SIZE"] = 1024 * 1024
    return config


def finish(config: dict) -> None:
    """Fill derived defaults once env and test overrides are merged."""
    data_dir = Path(config["KB_DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    writable(data_dir)
    config["KB_DATA_DIR"] = str(data_dir)
    config["KB_CONTENT_DIR"] = str(content_folder(Path(config["KB_CONTENT_DIR"])))
    if not config.get("KB_DATABASE_URL"):
        config["KB_DATABASE_URL"] = f"sqlite:///{data_dir / 'kb.sqlite3'}"
    config["SECRET_KEY"] = secret_key(config.get("KB_SECRET_KEY", ""), data_dir)
    config["KB_BASE_URL"] = base_url(config.get("KB_BASE_URL") or "")


def writable(data_dir: Path) -> None:
    """kb writes its search index, its locks and (by default) its database in KB_DATA_DIR:
    say so at start, once, rather than in a traceback from each worker."""
    try:
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        raise ConfigError(
            f"KB_DATA_DIR: {data_dir} is not writable ({error.strerror}); kb keeps its search "
            "index, locks and default database there"
        ) from None


def base_url(raw: str) -> str:
    """Where kb is reached, without a trailing slash; an http(s) address or nothing."""
    base = raw.strip().rstrip("/")
    if base and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base):
        raise ConfigError(
            f"KB_BASE_URL must be an http(s) address such as https://kb.example, not {base!r}"
        )
    return base


def target_url_problem(url: str) -> str | None:
    """What is wrong with a target's address, or None. A probe's path is appended to it, so
    a query or fragment would swallow the path (`http://h/?t=1` + `/health`)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be http(s)://host[:port][/path], not '{url}'"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return f"must not hold a query or fragment (a probe's path follows it): '{url}'"
    if url != url.strip() or any(c.isspace() for c in url):
        return f"must not hold spaces: '{url}'"
    return None


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
    if not resolved.is_dir() and resolved.suffix.lower() != ".md":
        raise ConfigError(f"KB_CONTENT_DIR: {resolved} is neither a folder nor a .md file")
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
