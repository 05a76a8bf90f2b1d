"""The live checks a team declares in `content/probes.yaml`: targets and probes.

Only what is declared here can ever be requested: a probe is a name, and its target,
method, path and headers are fixed in reviewed content. Nothing from a web request
reaches the HTTP client.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.checks.conditions import Condition, ConditionError, parse_condition, review
from kb.config import is_setting, target_url_problem
from kb.content.model import Problem

PROBES_FILE = "probes.yaml"
METHODS = ("GET", "HEAD")
DEFAULT_TIMEOUT = 5.0
MIN_TIMEOUT = 0.1  # below this no real target answers: every run would be an error
MAX_TIMEOUT = 30.0
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name (RFC 9110)
_SET_BY_KB = {"host", "content-length", "transfer-encoding", "connection", "te", "upgrade"}
SECRET = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Target:
    name: str
    url: str  # as declared; KB_TARGET_<NAME>_URL overrides it at run time

    @property
    def env_var(self) -> str:
        return f"KB_TARGET_{self.name.upper().replace('-', '_')}_URL"

    def base_url(self, environ: dict | None = None) -> str:
        environ = os.environ if environ is None else environ
        return (environ.get(self.env_var) or self.url).rstrip("/")


@dataclass(frozen=True)
class Probe:
    name: str
    title: str
    target: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]  # values may hold ${VAR}, resolved at run time
    timeout: float
    conditions: tuple[tuple[str, Condition], ...]  # (name, condition), in order
    line: int

    @property
    def checks_connection(self) -> bool:
        """A [CONNECTED] condition makes a refused connection a measured fact, not an error."""
        return any("[CONNECTED]" in c.placeholders for _, c in self.conditions)

    @property
    def secrets(self) -> list[str]:
        return sorted({m for _, value in self.headers for m in SECRET.findall(value)})


@dataclass
class Catalog:
    targets: dict[str, Target] = field(default_factory=dict)
    probes: dict[str, Probe] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def load_catalog(content_dir: Path) -> Catalog:
    """Read probes.yaml; every problem is reported with its line, nothing raises."""
    path = Path(content_dir) / PROBES_FILE
    catalog = Catalog()
    if not path.exists():
        return catalog
    source = PROBES_FILE
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        catalog.problems.append(
            Problem(
                source,
                (mark.line + 1) if mark else 1,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
            )
        )
        return catalog

    def problem(node: yaml.Node, message: str, severity: str = "error") -> None:
        catalog.problems.append(Problem(source, _line(node), message, severity))

    sections = {(_scalar(k) or ""): v for k, v in _mapping(root)}
    for key_node, value in _mapping(sections.get("targets")):
        name = _scalar(key_node) or ""
        fields = {(_scalar(k) or ""): v for k, v in _mapping(value)}
        url = _scalar(fields.get("url")) or ""
        if name in catalog.targets:
            problem(key_node, f"target '{name}' is defined twice; the first is kept")
            continue
        wrong = target_url_problem(url)
        if wrong:
            problem(key_node, f"target '{name}': url {wrong}")
            continue
        catalog.targets[name] = Target(name, url)

    for key_node, value in _mapping(sections.get("probes")):
        name = _scalar(key_node) or ""
        if not NAME.match(name):
            problem(key_node, f"probe name '{name}' must be lowercase letters, digits, - or _")
            continue
        if name in catalog.probes:
            problem(key_node, f"probe '{name}' is defined twice; the first is kept")
            continue
        probe = _probe(name, key_node, value, catalog, problem)
        if probe is not None:
            catalog.probes[name] = probe
    return catalog


def _conditions(name: str, raw, https: bool, problem) -> list[tuple[str, Condition]]:
    """A probe's conditions, named (a mapping) or numbered (a list); each one that cannot
    be read is a problem with its line, and each that reads oddly a warning."""
    entries = (
        [(str(i + 1), item) for i, item in enumerate(raw.value)]
        if isinstance(raw, yaml.SequenceNode)
        else [(_scalar(k) or "", v) for k, v in _mapping(raw)]
    )
    conditions: list[tuple[str, Condition]] = []
    for condition_name, node in entries:
        text = _scalar(node)
        if text is None:
            problem(node, f"probe '{name}': condition {condition_name} must be a string")
            continue
        try:
            condition = parse_condition(text)
        except ConditionError as exc:
            problem(node, f"probe '{name}': condition {condition_name}: {exc}")
            continue
        conditions.append((condition_name, condition))
        notes = review(condition)
        if "[CERTIFICATE_EXPIRATION]" in condition.placeholders and not https:
            notes.append("[CERTIFICATE_EXPIRATION] is 0 for a plain http:// target")
        for note in notes:
            problem(node, f"probe '{name}': condition {condition_name}: {note}", "warning")
    return conditions


def _header_problem(name: str, value: str | None) -> str | None:
    """Why a probe cannot send this header, or None. Said by `kb check`, not found out when
    the check runs during an incident."""
    if not _TOKEN.fullmatch(name):
        return "is not a valid header name"
    if name.lower() in _SET_BY_KB:
        return "is set by kb for each request; remove it"
    if value is None:
        return "must have one text value"
    if any(c in value for c in "\r\n\x00") or not _latin1(value):
        return "must be one line of Latin-1 text"
    for secret in SECRET.findall(value):
        if is_setting(secret):
            return f"may not send kb's own setting ${{{secret}}} to a target"
    return None


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _probe(name, key_node, value, catalog, problem) -> Probe | None:
    fields = {(_scalar(k) or ""): (k, v) for k, v in _mapping(value)}
    unknown = set(fields) - {
        "title",
        "target",
        "method",
        "path",
        "headers",
        "timeout",
        "conditions",
    }
    for key in sorted(unknown):
        problem(fields[key][0], f"probe '{name}': unknown field '{key}'")

    def get(key: str) -> str | None:
        return _scalar(fields[key][1]) if key in fields else None

    target = get("target") or ""
    if target not in catalog.targets:
        problem(key_node, f"probe '{name}': unknown target '{target}'")
        return None
    method = (get("method") or "GET").upper()
    if method not in METHODS:
        problem(key_node, f"probe '{name}': method must be GET or HEAD, not {method}")
        return None
    path = get("path") or "/"
    if not path.startswith("/") or "://" in path or path.startswith("//"):
        problem(key_node, f"probe '{name}': path must start with / and name no host")
        return None
    try:
        timeout = float(get("timeout") or DEFAULT_TIMEOUT)
    except ValueError:
        timeout = -1
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        problem(
            key_node,
            f"probe '{name}': timeout must be a number of seconds from {MIN_TIMEOUT:g} "
            f"to {MAX_TIMEOUT:g}",
        )
        return None
    headers = []
    for header_key, header_value in _mapping(fields.get("headers", (None, None))[1]):
        header = (_scalar(header_key) or "", _scalar(header_value))
        wrong = _header_problem(*header)
        if wrong:
            problem(header_key, f"probe '{name}': header '{header[0]}' {wrong}")
            return None
        headers.append((header[0], header[1] or ""))
    https = catalog.targets[target].url.startswith("https://")
    raw = fields.get("conditions", (None, None))[1]
    conditions = _conditions(name, raw, https, problem)
    if not conditions:
        problem(key_node, f"probe '{name}': needs at least one valid condition")
        return None
    return Probe(
        name=name,
        title=get("title") or name,
        target=target,
        method=method,
        path=path,
        headers=tuple(headers),
        timeout=timeout,
        conditions=tuple(conditions),
        line=_line(key_node),
    )
