"""`kb export`: a static copy of the knowledge base that works with kb itself down."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from kb.auth.service import create_user
from kb.cli import cli
from kb.contacts.model import Contact
from kb.contacts.service import list_contacts, update_contact
from kb.contacts.validation import read_changes
from kb.static_export.archive import ExportError
from kb.static_export.build import build_site, export_to
from kb.web.exports import current_snapshot
from tests.conftest import FIXTURES, form_token, write

LABELS_GUIDE = "g/troubleshooting/issue-labels-wont-print"
READY_GUIDE = "g/troubleshooting/issue-api-not-ready"


class _Page(HTMLParser):
    """Every link a page makes (href, src, form action) and every id it holds."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.inline: list[str] = []  # inline script or style: the CSP forbids both

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for name in ("href", "src", "action"):
            if found.get(name) is not None:
                self.links.append(found[name])
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "script" and "src" not in found:
            self.inline.append("<script> without src")
        if "style" in found or tag == "style" or any(n.startswith("on") for n in found):
            self.inline.append(f"<{tag}> with inline style or handler")


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(folder: Path) -> list[str]:
    """Links in the export's pages that name no file of the export (or no id in it)."""
    pages = {p: read_page(p) for p in folder.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "tel"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(folder)}: {link}"
            if parts.scheme or not target.is_file() or not target.is_relative_to(folder):
                broken.append(where)
            elif (
                parts.fragment
                and target in pages
                and unquote(parts.fragment) not in pages[target].ids
            ):
                broken.append(where + " (no such anchor)")
    return broken


@pytest.fixture
def snapshot(app):
    """What an export of the test runbooks and their contacts is made from."""
    with app.app_context():
        return current_snapshot()


def export(app, folder: Path, **changes):
    with app.app_context():
        return build_site(replace(current_snapshot(), **changes), folder)


def edit_contact(app, role: str, **values):
    with Session(app.extensions["kb.db"]) as session:
        contact = next(c for c in list_contacts(session=session) if c.role == role)
        update_contact(
            session=session,
            contact=contact,
            contact_in=read_changes(values),
            version=contact.version,
            by="test",
        )


def test_every_link_in_the_export_resolves_to_a_file_in_it(app, tmp_path):
    folder = tmp_path / "site"
    summary = export(app, folder)
    assert summary.articles == 26 and summary.guides == 6 and summary.contacts == 7
    assert len(list(folder.rglob("*.html"))) == summary.pages > 2 * summary.articles
    assert broken_links(folder) == []


def test_no_page_runs_inline_script_or_style_and_each_says_when_it_was_made(app, tmp_path):
    folder = tmp_path / "site"
    export(app, folder, exported_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))
    for path in folder.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert read_page(path).inline == [], path
        assert "default-src 'none'; script-src 'self'" in text, path
        assert "exported 2026-03-04 05:06 UTC" in text, path


def test_a_guide_is_walked_by_links_and_ends_with_whom_to_call(app, tmp_path):
    folder = tmp_path / "site"
    export(app, folder)
    step = (folder / LABELS_GUIDE / "step-1.html").read_text(encoding="utf-8")
    assert "Check the printer has paper and ribbon" in step
    assert 'href="step-2.html">Paper and ribbon are fine</a>' in step
    assert re.search(r'href="resolved.html">It was empty', step)
    end = (folder / LABELS_GUIDE / "escalate.html").read_text(encoding="utf-8")
    assert [role for role in ("On-Call", "DevOps", "Lead Developer") if role in end] == [
        "On-Call",
        "DevOps",
        "Lead Developer",
    ]
    assert "mailto:devops@courier.example" in end
    ready = folder / READY_GUIDE
    step = (ready / "step-4.html").read_text(encoding="utf-8")
    page = re.search(r'href="([^"]+)">Hostco reports an incident', step).group(1)
    named = (ready / page).read_text(encoding="utf-8")
    assert "Escalate to Hostco" in named
    assert named.index("<strong>Hostco</strong>") < named.index("<strong>On-Call</strong>")


def test_a_live_check_is_a_curl_command_and_its_conditions_in_words(app, tmp_path):
    folder = tmp_path / "site"
    secret = "re_live_secret_value_123"
    export(app, folder, environ={"COURIER_MAILER_KEY": secret})
    ready = folder / READY_GUIDE / "step-1.html"
    text = ready.read_text(encoding="utf-8")
    assert (
        "curl --silent --show-error --include --max-time 5 "
        "https://api.courier.example/health/ready" in text
    )
    assert "checks.database in the JSON body is ok" in text
    assert "the HTTP status is 200" in text
    assert ">It fails: database</a>" in text and ">It cannot be reached</a>" in text
    emails = folder / "g/troubleshooting/issue-delivery-emails-not-sent/step-1.html"
    text = emails.read_text(encoding="utf-8")
    assert "--header &#34;Authorization: Bearer ${COURIER_MAILER_KEY}&#34;" in text
    assert "the length of data in the JSON body is over 0" in text
    assert not [p for p in folder.rglob("*") if p.is_file() and secret in p.read_text("utf-8")]


def test_targets_follow_the_environment_as_live_checks_do(app, tmp_path):
    folder = tmp_path / "site"
    export(app, folder, environ={"KB_TARGET_API_URL": "http://10.0.0.5:8080"})
    step = folder / READY_GUIDE / "step-1.html"
    assert "http://10.0.0.5:8080/health/ready" in step.read_text(encoding="utf-8")


def test_contacts_are_a_page_a_csv_and_a_vcard_as_of_the_export(app, tmp_path):
    edit_contact(app, "DevOps", name="Ada Lovelace", phone="6 71 23 45 67")
    first = tmp_path / "first"
    export(app, first)
    page = (first / "contacts.html").read_text(encoding="utf-8")
    assert "Ada Lovelace" in page and 'href="tel:+237671234567"' in page
    assert "+237671234567" in (first / "contacts.csv").read_text(encoding="utf-8")
    assert "FN:Ada Lovelace" in (first / "contacts.vcf").read_text(encoding="utf-8")
    before = {p: p.read_bytes() for p in first.rglob("*") if p.is_file()}

    edit_contact(app, "DevOps", name="Grace Hopper", phone="6 99 88 77 66")
    assert {p: p.read_bytes() for p in first.rglob("*") if p.is_file()} == before
    second = tmp_path / "second"
    export(app, second)
    page = (second / "contacts.html").read_text(encoding="utf-8")
    assert "Grace Hopper" in page and "Ada Lovelace" not in page
    assert "Grace Hopper" in (second / LABELS_GUIDE / "escalate.html").read_text(encoding="utf-8")


def test_links_between_files_images_and_the_live_app(make_app, content_dir, tmp_path):
    write(
        content_dir,
        "ops/guide.md",
        "# Guide\n\n![diagram](img/flow.png) [script](tools/fix.sh) "
        "[other](other.md#deep-part) [health](/health) [gone](nowhere.txt)\n\n## Part\n\nText.\n",
    )
    write(content_dir, "ops/other.md", "# Other\n\n## Deep part\n\nHere.\n")
    write(content_dir, "ops/img/flow.png", "png")
    write(content_dir, "ops/tools/fix.sh", "echo fixed\n")
    (content_dir / "ops" / "secret.md").symlink_to("/etc/hostname")
    app = make_app(content_dir)
    folder = tmp_path / "site"
    summary = export(app, folder, live_url="https://kb.example")
    page = (folder / "a/ops/guide.html").read_text(encoding="utf-8")
    assert 'src="../../files/ops/img/flow.png"' in page
    assert 'href="../../files/ops/tools/fix.sh"' in page
    assert 'href="other/deep-part.html"' in page  # a section has its own page
    assert 'href="https://kb.example/health"' in page
    assert "<a>gone</a>" in page  # a link to nothing keeps its words
    assert (folder / "files/ops/tools/fix.sh").read_text() == "echo fixed\n"
    assert summary.files == 2 and broken_links(folder) == []
    export(app, tmp_path / "plain")
    assert "<a>health</a>" in (tmp_path / "plain/a/ops/guide.html").read_text(encoding="utf-8")


def test_a_slug_cannot_write_outside_the_export(make_app, content_dir, tmp_path):
    write(content_dir, "evil.md", "---\nslug: ../../../escaped\n---\n# Evil\n\nText.\n")
    write(content_dir, "fine.md", "# Fine\n\n[evil](evil.md)\n")
    app = make_app(content_dir)
    folder = tmp_path / "deep" / "site"
    export(app, folder)
    assert not list(tmp_path.rglob("escaped*"))
    assert broken_links(folder) == []
    assert "Evil" in (folder / "a-z.html").read_text(encoding="utf-8")


def test_the_command_writes_a_folder_and_a_zip_and_replaces_only_an_export(make_app, tmp_path):
    app = make_app()  # starts once: the database has its contacts
    env = {
        "KB_CONTENT_DIR": str(FIXTURES),
        "KB_DATA_DIR": app.config["KB_DATA_DIR"],
        "KB_DATABASE_URL": app.config["KB_DATABASE_URL"],
    }
    folder, archive = tmp_path / "site", tmp_path / "out" / "kb-offline.zip"
    result = CliRunner().invoke(cli, ["export", str(folder), "--zip", str(archive)], env=env)
    assert result.exit_code == 0, result.output
    assert "26 article(s), 6 guide(s) and 7 contact(s)" in result.output
    marker = json.loads((folder / "kb-export.json").read_text())
    assert marker["pages"] == len(list(folder.rglob("*.html")))
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert {name.split("/")[0] for name in names} == {"kb-offline"}
    assert f"kb-offline/{LABELS_GUIDE}/escalate.html" in names

    # a page an earlier export wrote (it is in the marker's list) that this one does not
    (folder / "stale.html").write_text("from an earlier export")
    marker["files"].append("stale.html")
    (folder / "kb-export.json").write_text(json.dumps(marker))
    # and what people add to a published folder
    write(folder, "CNAME", "kb.example.org\n")
    write(folder, ".git/HEAD", "ref: refs/heads/main\n")
    again = CliRunner().invoke(cli, ["export", str(folder)], env=env)
    assert again.exit_code == 0 and not (folder / "stale.html").exists()
    assert (folder / "CNAME").read_text() == "kb.example.org\n"
    assert (folder / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert "CNAME" not in json.loads((folder / "kb-export.json").read_text())["files"]

    mine = tmp_path / "mine"
    write(mine, "thesis.txt", "not an export")
    refused = CliRunner().invoke(cli, ["export", str(mine)], env=env)
    assert (
        refused.exit_code == 1 and "is not empty and holds no earlier kb export" in refused.output
    )
    assert (mine / "thesis.txt").read_text() == "not an export"
    assert CliRunner().invoke(cli, ["export"], env=env).exit_code == 2


def test_nothing_kb_did_not_write_is_ever_deleted_or_overwritten(snapshot, tmp_path):
    forged = tmp_path / "forged"
    write(forged, "docs/thesis.txt", "precious")
    write(forged, "kb-export.json", "{}")  # a marker that is not kb's says nothing
    with pytest.raises(ExportError, match="holds no earlier kb export"):
        export_to(snapshot, folder=forged)
    site = tmp_path / "site"
    export_to(snapshot, folder=site)
    write(site, "index.html", "my own home page")  # not the export's any more? it is listed
    write(site, "search/extra.html", "mine")
    export_to(snapshot, folder=site)
    assert (site / "search" / "extra.html").read_text() == "mine"
    assert (site / "index.html").read_text() != "my own home page"  # the export's own file
    (site / "kb-export.json").write_text(
        json.dumps({"kb": "static export", "files": ["kb-export.json"]})
    )
    with pytest.raises(ExportError, match="is not from an earlier kb export"):
        export_to(snapshot, folder=site)  # index.html is no longer the export's: refused
    assert (site / "search" / "extra.html").exists() and (forged / "docs/thesis.txt").exists()

    report = tmp_path / "report.docx"
    report.write_text("important")
    with pytest.raises(ExportError, match="is not a kb export's zip"):
        export_to(snapshot, zip_path=report)
    assert report.read_text() == "important"
    both = tmp_path / "both"
    with pytest.raises(ExportError, match="named as both"):
        export_to(snapshot, folder=both, zip_path=both)
    assert not both.exists()
    inside = tmp_path / "inside"
    export_to(snapshot, folder=inside, zip_path=inside / "copy.zip")
    names = zipfile.ZipFile(inside / "copy.zip").namelist()
    assert not [n for n in names if ".copy.zip." in n or n.endswith("copy.zip")]
    export_to(snapshot, zip_path=inside / "copy.zip")  # kb's own zip may be replaced


def test_what_people_keep_in_an_export_folder_stays_out_of_its_zip(snapshot, tmp_path):
    site = tmp_path / "site"
    export_to(snapshot, folder=site)
    write(site, ".git/config", "[remote]\ntoken=secret\n")
    write(site, "CNAME", "kb.example.org\n")
    export_to(snapshot, folder=site, zip_path=tmp_path / "out.zip")
    names = zipfile.ZipFile(tmp_path / "out.zip").namelist()
    assert "out/index.html" in names
    assert not [n for n in names if ".git" in n or n.endswith("CNAME")]


def test_a_folder_of_someones_where_the_export_writes_a_file_is_refused_untouched(
    snapshot, tmp_path
):
    site = tmp_path / "site"
    export_to(snapshot, folder=site)
    (site / "contacts.html").unlink()  # as if someone made it a folder of their own
    write(site, "contacts.html/mine.txt", "mine")
    with pytest.raises(ExportError, match="is not from an earlier kb export"):
        export_to(snapshot, folder=site)
    assert (site / "contacts.html" / "mine.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # no leftovers


def test_an_export_from_an_older_kb_keeps_only_what_was_added_after_it(snapshot, tmp_path):
    """Its marker lists no files: what is no newer than the marker was the export's."""
    import os

    site = tmp_path / "site"
    export_to(snapshot, folder=site)
    marker = json.loads((site / "kb-export.json").read_text())
    del marker["files"]
    write(site, "gone.html", "a page the old export wrote")
    (site / "kb-export.json").write_text(json.dumps(marker))
    later = (site / "kb-export.json").stat().st_mtime + 60
    write(site, "CNAME", "kb.example.org\n")
    os.utime(site / "CNAME", (later, later))
    export_to(snapshot, folder=site)
    assert not (site / "gone.html").exists() and (site / "CNAME").exists()


def test_an_export_into_a_link_replaces_what_the_link_points_at(snapshot, tmp_path):
    real = tmp_path / "real"
    export_to(snapshot, folder=real)
    write(real, "CNAME", "kb.example.org\n")
    (tmp_path / "site").symlink_to(real)
    export_to(snapshot, folder=tmp_path / "site")
    assert (tmp_path / "site").is_symlink() and (real / "CNAME").exists()


def test_zip_only_and_bad_destinations(snapshot, tmp_path):
    export_to(snapshot, zip_path=tmp_path / "only.zip")
    assert "only/index.html" in zipfile.ZipFile(tmp_path / "only.zip").namelist()
    write(tmp_path, "a-file", "x")
    with pytest.raises(ExportError, match="is a file"):
        export_to(snapshot, folder=tmp_path / "a-file")
    with pytest.raises(ExportError, match="is a folder"):
        export_to(snapshot, zip_path=tmp_path)
    with pytest.raises(ExportError):
        export_to(snapshot)


def test_a_new_database_gets_the_runbooks_contacts_as_the_app_would(tmp_path):
    env = {
        "KB_CONTENT_DIR": str(FIXTURES),
        "KB_DATA_DIR": str(tmp_path / "data"),
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "site")], env=env)
    assert result.exit_code == 0 and "7 contact(s)" in result.output


def test_a_database_out_of_reach_is_a_message_and_writes_nothing(tmp_path):
    env = {
        "KB_CONTENT_DIR": str(FIXTURES),
        "KB_DATA_DIR": str(tmp_path / "data"),
        "KB_DATABASE_URL": "postgresql://kb:secret-password@127.0.0.1:9/kb",
    }
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "site")], env=env)
    assert result.exit_code == 1
    assert "Error: cannot read the contacts from KB_DATABASE_URL" in result.output
    assert "Traceback" not in result.output and "secret-password" not in result.output
    assert not (tmp_path / "site").exists()


def login(client, username):
    return client.post(
        "/login",
        data={
            "username": username,
            "password": "correct horse battery",
            "csrf_token": form_token(client),
        },
    )


@pytest.fixture
def people(app):
    with Session(app.extensions["kb.db"]) as session:
        for name, role in (("alice", "editor"), ("victor", "viewer")):
            create_user(session=session, username=name, password="correct horse battery", role=role)
    return app


def download(client):
    """GET /export.zip, closed as a server closes it (the zip is sent from an open file)."""
    response = client.get("/export.zip")
    response.get_data()
    response.close()
    return response


def zip_text(response, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        top = zipped.namelist()[0].split("/")[0]
        return zipped.read(f"{top}/{name}").decode("utf-8")


def test_editors_download_the_latest_export_rebuilt_when_contacts_change(people):
    anonymous = people.test_client()
    assert anonymous.get("/export.zip").status_code == 302
    assert "Offline copy" not in anonymous.get("/").get_data(as_text=True)
    viewer = people.test_client()
    login(viewer, "victor")
    assert viewer.get("/export.zip").status_code == 403

    editor = people.test_client()
    login(editor, "alice")
    assert 'href="/export.zip">Offline copy' in editor.get("/").get_data(as_text=True)
    first = download(editor)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert re.match(
        r"attachment; filename=kb-export-\d{8}-\d{4}.zip", first.headers["Content-Disposition"]
    )
    assert "no-store" in first.headers["Cache-Control"]
    assert download(editor).data == first.data  # unchanged: the same file, not rebuilt

    edit_contact(people, "On-Call", name="Night Owl")
    second = download(editor)
    assert "Night Owl" in zip_text(second, "contacts.html")
    assert "Night Owl" not in zip_text(first, "contacts.html")
    exports = Path(people.config["KB_DATA_DIR"]) / "exports"
    assert len(list(exports.glob("*.zip"))) == 1  # the older one is gone
    assert oct((next(exports.glob("*.zip"))).stat().st_mode & 0o777) == "0o600"


def test_contacts_of_an_export_are_plain_objects(app):
    with app.app_context():
        assert all(isinstance(c, Contact) for c in current_snapshot().contacts)


def test_the_exported_search_finds_a_page_by_what_other_pages_link_to_it_as(make_app, tmp_path):
    content = tmp_path / "content"
    write(content, "login.md", "# Sign-in failures\n\nMany sign-ins fail.\n")
    write(content, "alerts.md", "# Alerts\n\n- [BlockedLoginBurst](login.md): read this.\n")
    folder = tmp_path / "site"
    export(make_app(content_dir=content), folder)
    script = next(folder.rglob("search-index.js")).read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("window.KB_SEARCH_INDEX = ").rstrip().rstrip(";"))
    postings = index["postings"][index["words"].index("blockedloginburst")]
    documents = [index["docs"][number][0] for number in _numbers(postings[0::2])]
    assert any("login" in url for url in documents), documents


def _numbers(gaps: list[int]) -> list[int]:
    numbers, total = [], 0
    for gap in gaps:
        total += gap
        numbers.append(total)
    return numbers
