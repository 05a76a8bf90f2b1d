"""The index on disk: built aside and swapped in atomically, updated per changed file.

Layout under `KB_DATA_DIR/search/`: generation folders `gen-<time>-<pid>/`, each a Whoosh
index plus `meta.json` (schema version and the digest of every indexed file), and a
symlink `current` naming the live one. Readers in other processes (gunicorn workers) open
whatever `current` names; a rebuild never touches the folder they have open, and an
update of a few files is a Whoosh commit, which readers also never see half-done.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import itertools
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from kb.content.library import Library
from kb.search.analysis import spelling_analyzer, text_analyzer
from kb.search.documents import library_documents, source_digests

SCHEMA_VERSION = 13  # bumped when analysis or documents change: old indexes rebuild
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still on it
Progress = Callable[[int, int], None]


def schema() -> Schema:
    """One searched field (`all`) plus what results show; nothing is analysed twice."""
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(stored=True),
        source=ID(stored=True),  # per-file re-indexing deletes by it
        # A file's names as `name_key` spells them: a query that is exactly one comes first
        name=KEYWORD(),
        # Title, aliases, symptoms, headings and body in one field, the important parts
        # repeated so they weigh more: one posting list per query term keeps queries fast.
        all=TEXT(analyzer=text_analyzer()),
        spell=TEXT(analyzer=spelling_analyzer()),  # unstemmed words for "did you mean"
        url=STORED(),
        title=STORED(),
        breadcrumb=STORED(),
        symptoms=STORED(),
        preview=STORED(),  # the start of the body, for snippets: cheaper to load than all of it
        short=STORED(),  # title and symptoms as analysed terms, for phrase re-ranking
        tree=STORED(),
        parts=STORED(),  # a topic's parts with their terms, to point at the best one
        reach=STORED(),  # it lists people or vendors to call (kb.search.documents)
    )


def search_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "search"


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """One builder at a time across processes; readers never take this lock."""
    folder = search_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def building(data_dir: Path) -> bool:
    """Whether some process holds the build lock right now (the file itself always stays)."""
    path = search_dir(data_dir) / "build.lock"
    if not path.exists():
        return False
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def current_link(data_dir: Path) -> Path | None:
    """The folder `current` names, without opening it: cheap enough for every request."""
    link = search_dir(data_dir) / "current"
    try:
        return link.parent / os.readlink(link)
    except OSError:
        return None


def current_generation(data_dir: Path) -> Path | None:
    """The live generation if its table of contents is there (opened only by `usable`)."""
    target = current_link(data_dir)
    return target if target is not None and any(target.glob("_MAIN_*.toc")) else None


def usable(generation: Path) -> bool:
    """Whether the index opens and reads; a damaged one is to be rebuilt."""
    failure: Exception | None = None
    try:
        ix = whoosh_index.open_dir(generation)
        with ix.searcher() as searcher:
            searcher.doc_count()
        ix.close()
        return True
    except Exception as error:
        failure = error
    close_leaked_files(failure)
    return False


def close_leaked_files(failure: BaseException | None) -> None:
    """Whoosh leaves a damaged index's files open when reading fails: the frames in the
    failure's traceback still hold them. Cut the traceback (the caller may keep the
    exception itself) and collect now, quietly, rather than warn at a random moment."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        if failure is not None:
            failure.__traceback__ = None
            failure.__context__ = failure.__cause__ = None
        gc.collect()


def read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / "meta.json").read_text())
    except (OSError, ValueError):
        return {}


Extra = dict[str, list[dict]]  # pseudo-source (e.g. "@contacts") -> its documents


def extra_digests(extra: Extra | None) -> dict[str, str]:
    return {
        source: hashlib.sha256(json.dumps(docs, sort_keys=True, default=str).encode()).hexdigest()
        for source, docs in (extra or {}).items()
    }


def _write_meta(generation: Path, digests: dict[str, str]) -> None:
    temporary = generation / "meta.json.tmp"
    temporary.write_text(json.dumps({"version": SCHEMA_VERSION, "digests": digests}))
    os.replace(temporary, generation / "meta.json")


def _add_all(writer, documents: Iterable[dict], total: int, progress: Progress | None) -> None:
    for count, document in enumerate(documents, start=1):
        writer.add_document(**document)
        if progress and (count % 50 == 0 or count == total):
            progress(count, total)


def build(
    data_dir: Path,
    library: Library,
    progress: Progress | None = None,
    extra: Extra | None = None,
) -> Path:
    """Build a whole new generation aside, then point `current` at it."""
    with _locked(data_dir):
        return _build_locked(data_dir, library, progress, extra)


def _build_locked(data_dir, library, progress, extra=None) -> Path:
    folder = search_dir(data_dir)
    generation = folder / f"gen-{time.time_ns()}-{os.getpid()}"
    generation.mkdir(parents=True)
    ix = whoosh_index.create_in(generation, schema())
    writer = ix.writer(limitmb=256, procs=1)
    docs = itertools.chain(library_documents(library), *(extra or {}).values())
    total = len(library.articles) + sum(len(d) for d in (extra or {}).values())
    _add_all(writer, docs, total, progress)
    writer.commit(optimize=True)
    ix.close()
    _write_meta(generation, {**source_digests(library), **extra_digests(extra)})
    link = folder / f"current.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(generation.name)
    os.replace(link, folder / "current")  # the atomic step: readers see old or new
    _prune(folder, keep=generation)
    return generation


def _prune(folder: Path, keep: Path) -> None:
    generations = sorted(
        (p for p in folder.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    old = [g for g in generations if g != keep][: -(KEEP_GENERATIONS - 1) or None]
    for generation in old:
        shutil.rmtree(generation, ignore_errors=True)


def ensure(
    data_dir: Path, library: Library, progress: Progress | None = None, extra: Extra | None = None
) -> Path:
    """Make the index match the content: build when missing, re-index changed sources only."""
    with _locked(data_dir):
        generation = current_generation(data_dir)
        meta = read_meta(generation) if generation else {}
        if generation is None or meta.get("version") != SCHEMA_VERSION or not usable(generation):
            return _build_locked(data_dir, library, progress, extra)
        wanted = {**source_digests(library), **extra_digests(extra)}
        indexed: dict[str, str] = meta.get("digests", {})
        changed = {s for s, d in wanted.items() if indexed.get(s) != d}
        removed = set(indexed) - set(wanted)
        if changed or removed:
            _update(generation, library, changed, removed, extra or {})
            _write_meta(generation, wanted)
        return generation


def _update(
    generation: Path, library: Library, changed: set[str], removed: set[str], extra: Extra
) -> None:
    ix = whoosh_index.open_dir(generation)
    writer = ix.writer()
    for source in changed | removed:
        writer.delete_by_term("source", source)
    for document in library_documents(library, sources=changed):
        writer.add_document(**document)
    for source in changed & set(extra):
        for document in extra[source]:
            writer.add_document(**document)
    writer.commit()
    ix.close()
