"""The index's life: built when missing, refreshed per changed file, swapped atomically."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from kb.content.library import load_library
from kb.search import index
from kb.search.service import SearchService
from tests.conftest import FIXTURES, REPO, write


def service(data_dir):
    return SearchService(data_dir, [])


def titles(data_dir, query):
    return [r.title for r in service(data_dir).search(query).results]


def test_built_on_first_start_and_kept_out_of_git(make_app, tmp_path):
    app = make_app()
    assert index.current_generation(tmp_path / "data") is not None
    assert app.extensions["kb.search"].search("rollback").results
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "instance/search/current"], cwd=REPO, check=False
    )
    assert ignored.returncode == 0


def test_stale_content_is_reindexed_per_file(content_dir, tmp_path, monkeypatch):
    data = tmp_path / "data"
    write(content_dir, "a.md", "# Alpha\n\n## Kettle\n\nboil water\n")
    write(content_dir, "b.md", "# Beta\n\n## Teapot\n\nsteep leaves\n")
    index.ensure(data, load_library(content_dir))
    first = index.current_generation(data)
    assert titles(data, "kettle") == ["Kettle"]

    seen: list[set | None] = []
    real = index.library_documents

    def recording(library, sources=None):
        seen.append(sources)
        return real(library, sources)

    monkeypatch.setattr(index, "library_documents", recording)
    write(content_dir, "a.md", "# Alpha\n\n## Samovar\n\nboil water\n")
    library = load_library(content_dir)
    assert index.read_meta(first)["digests"] != library.digests
    index.ensure(data, library)
    assert seen == [{"a.md"}]  # b.md was not re-indexed
    assert index.current_generation(data) == first  # updated in place, no rebuild
    assert titles(data, "kettle") == []
    assert titles(data, "samovar") == ["Samovar"]
    assert titles(data, "teapot") == ["Teapot"]
    assert index.read_meta(first)["digests"] == index.source_digests(library)


def test_deleted_files_leave_the_index(content_dir, tmp_path):
    data = tmp_path / "data"
    write(content_dir, "a.md", "# Alpha\n\n## Kettle\n")
    gone = write(content_dir, "b.md", "# Beta\n\n## Teapot\n")
    index.ensure(data, load_library(content_dir))
    gone.unlink()
    index.ensure(data, load_library(content_dir))
    assert titles(data, "teapot") == []


def test_rebuild_swaps_generations_and_prunes_old_ones(content_dir, tmp_path):
    data = tmp_path / "data"
    write(content_dir, "a.md", "# Alpha\n\n## Kettle\n")
    library = load_library(content_dir)
    generations = [index.build(data, library) for _ in range(4)]
    assert index.current_generation(data) == generations[-1]
    remaining = sorted(p.name for p in (data / "search").glob("gen-*"))
    assert remaining == sorted(g.name for g in generations[-2:])


def test_readers_in_two_processes_never_fail_while_a_third_rebuilds(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "KB_DATA_DIR": str(data), "KB_CONTENT_DIR": str(FIXTURES)}
    subprocess.run([sys.executable, "-m", "kb", "index"], env=env, check=True, capture_output=True)
    reader = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from kb.search.service import SearchService
        service = SearchService(Path({str(data)!r}), [])
        searches = failures = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Path({str(tmp_path / "stop")!r}).exists():
            try:
                if not service.search("labels print").results:
                    failures += 1
            except Exception as error:
                failures += 1
                print(repr(error), file=sys.stderr)
            searches += 1
        print(searches, failures)
        """
    )
    readers = [
        subprocess.Popen([sys.executable, "-c", reader], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        time.sleep(0.5)
        for _ in range(4):
            subprocess.run(
                [sys.executable, "-m", "kb", "index"], env=env, check=True, capture_output=True
            )
    finally:
        (tmp_path / "stop").touch()
    for process in readers:
        out, _ = process.communicate(timeout=90)
        searches, failures = map(int, out.split())
        assert process.returncode == 0
        assert searches > 10 and failures == 0


def test_files_held_by_a_failure_are_released_though_the_caller_keeps_it(tmp_path):
    import weakref

    from kb.search.index import close_leaked_files

    def fail_holding_a_file():
        handle = open(tmp_path / "segment", "w")  # noqa: SIM115 - left open on purpose
        holder.append(weakref.ref(handle))
        raise OSError("damaged index")

    holder: list = []
    try:
        fail_holding_a_file()
    except OSError as error:
        failure = error
    assert holder[0]() is not None  # the traceback's frame still holds the file
    close_leaked_files(failure)
    assert holder[0]() is None and isinstance(failure, OSError)


def test_editing_the_words_of_a_link_reindexes_the_page_it_names(content_dir, tmp_path):
    data = tmp_path / "data"
    write(content_dir, "target.md", "# Blocked sign-in attempts\n\nMany sign-ins fail.\n")
    write(content_dir, "index.md", "# Alerts\n\nSee [loginalarm](target.md).\n")
    index.ensure(data, load_library(content_dir))
    both = {"Blocked sign-in attempts", "Alerts"}  # the page now holds the link's words too
    assert set(titles(data, "loginalarm")) == both
    write(content_dir, "index.md", "# Alerts\n\nSee [signinstorm](target.md).\n")
    index.ensure(data, load_library(content_dir))
    assert set(titles(data, "signinstorm")) == both
    assert titles(data, "loginalarm") == []


def test_a_name_moving_to_another_file_reindexes_both(content_dir, tmp_path):
    """Two files called Foo: the one with more to read owns the name (as /go/ resolves it),
    and a query typed as the name leads with it, also after edits move the name."""
    data = tmp_path / "data"
    write(content_dir, "old/Foo.md", "# Foo\n\nMoved.\n")
    write(content_dir, "new/Foo.md", "# Foo\n\n" + "The foo service and its foo workers. " * 9)
    index.ensure(data, load_library(content_dir))
    assert service(data).search("foo").results[0].url == "/a/new/foo"
    # now the longer one, though it says "foo" less: the name is all that puts it first
    write(
        content_dir, "old/Foo.md", "# Foo\n\nBack here. " + "A longer story of other things. " * 40
    )
    index.ensure(data, load_library(content_dir))
    assert service(data).search("foo").results[0].url == "/a/old/foo"
