"""Code as a responder meets it: destructive commands called out, copied one at a time, long
lines that say they scroll; at desktop and phone sizes, with and without JavaScript."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.measure import PHONE, SIZES, Box, contrast, keep_screenshot, over
from tests.conftest import FIXTURES, write

RESTORE = "/a/operations/21-restore-a-nightly-dump"
ROLLBACK = "/a/operations/13-undo-a-release-with-git"
CLIPBOARD = ["clipboard-read", "clipboard-write"]
TRANSCRIPT = """# Web pods

## Replace a pod's volume

```console
$ kubectl get pods \\
    -n web
NAME    READY
web-0   1/1
$ kubectl delete pvc data-web-0 -n web
```
"""


@pytest.fixture(scope="module")
def runbooks(tmp_path_factory):
    with serving(FIXTURES, tmp_path_factory.mktemp("data")) as served:
        yield served[1]


def _served_file(tmp_path_factory, name: str, text: str):
    """A server over one runbook file; yields its base URL."""
    content = tmp_path_factory.mktemp("runbook")
    write(content, name, text)
    with serving(content, tmp_path_factory.mktemp("data")) as served:
        yield served[1]


@pytest.fixture(scope="module")
def transcript(tmp_path_factory):
    yield from _served_file(tmp_path_factory, "web.md", TRANSCRIPT)


def _style(locator, name: str) -> str:
    return locator.evaluate("(e, n) => getComputedStyle(e)[n]", name)


def _page_background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("size", SIZES)
def test_a_destructive_command_is_called_out_above_its_block(open_page, runbooks, size, js, scheme):
    page = open_page(SIZES[size], js=js, scheme=scheme)
    page.goto(runbooks + RESTORE)
    callout = page.locator(".prose .danger-callout")
    expect(callout).to_have_count(1)
    expect(callout).to_be_visible()
    expect(callout).to_contain_text("pg_restore --clean drops each object before restoring it")
    expect(callout).to_contain_text("CAREFUL: overwrites the tracker's data!")
    below = callout.evaluate(
        "e => e.nextElementSibling.querySelector('pre') !== null || e.nextElementSibling.tagName"
    )
    assert below in (True, "PRE")  # the warning comes right before the code it is about

    danger = page.locator("pre .command.danger").first
    expect(danger).to_contain_text("pg_restore --clean --if-exists")
    assert _style(danger, "backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    seen = over(_style(callout, "backgroundColor"), _page_background(page))
    assert contrast(_style(callout, "color"), seen) >= 4.5
    assert contrast(_style(callout.locator("strong"), "color"), seen) >= 4.5
    name = f"dangerous-command-{size}-{scheme}" + ("" if js else "-no-js")
    keep_screenshot(page, name, full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_copy_takes_one_command_at_a_time_and_no_button_covers_code(open_page, runbooks, size):
    page = open_page(SIZES[size], permissions=CLIPBOARD)
    page.goto(runbooks + ROLLBACK)
    block = page.locator(".code-block").first
    buttons = block.get_by_role("button", name="Copy")
    expect(buttons).to_have_count(5)  # git log; git revert; git push; git reset; git push --force
    buttons.nth(3).click()
    expect(buttons.nth(3)).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "git reset --hard <commit-hash>"
    buttons.nth(0).click()
    assert page.evaluate("navigator.clipboard.readText()") == "git log --oneline -20"
    assert [b.get_attribute("class") for b in buttons.all()][3:] == ["copy danger"] * 2

    code = Box.of(block.locator("pre").bounding_box())
    boxes = [Box.of(b.bounding_box()) for b in buttons.all()]
    assert not any(box.overlaps(code) for box in boxes), "a button covers the code"
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    for button, command in zip(boxes, block.locator(".command").all(), strict=True):
        assert abs(button.y - command.bounding_box()["y"]) < 8  # beside its command


def test_a_transcripts_prompts_and_output_are_not_copied(open_page, transcript):
    page = open_page(PHONE, permissions=CLIPBOARD)
    page.goto(transcript + "/a/web/replace-a-pods-volume")
    buttons = page.locator(".code-block").get_by_role("button", name="Copy")
    expect(buttons).to_have_count(2)
    buttons.first.click()
    assert page.evaluate("navigator.clipboard.readText()") == "kubectl get pods \\\n    -n web"
    expect(page.locator(".danger-callout")).to_contain_text("kubectl delete pvc data-web-0")
    assert buttons.nth(1).get_attribute("class") == "copy danger"


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_long_lines_scroll_sideways_with_a_visible_hint_on_a_phone(open_page, runbooks, js):
    page = open_page(PHONE, js=js)
    page.goto(runbooks + RESTORE)
    page.wait_for_load_state("load")
    pre = page.locator(".prose pre").first
    assert pre.evaluate("p => p.scrollWidth > p.clientWidth")  # the long lines are there
    assert _style(pre, "overflowX") == "auto"
    assert "radial-gradient" in _style(pre, "backgroundImage")  # the shadow at the edge
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    hint = page.locator(".scroll-hint")
    if js:
        expect(hint.first).to_be_visible()
        expect(hint.first).to_have_text("Scroll sideways for the whole line →")
    else:
        expect(hint).to_have_count(0)
        expect(page.locator(".copy")).to_have_count(0)
    keep_screenshot(page, "long-lines-phone" + ("" if js else "-no-js"), full_page=True)


def test_short_blocks_need_no_hint(open_page, runbooks):
    page = open_page(SIZES["desktop"])
    page.goto(runbooks + ROLLBACK)
    expect(page.locator(".code-block").first).to_be_visible()
    expect(page.locator(".scroll-hint").first).to_be_hidden()


def test_without_javascript_the_code_is_plain_text_to_select(open_page, runbooks):
    page = open_page(PHONE, js=False)
    page.goto(runbooks + ROLLBACK)
    code = page.locator(".prose pre code").first
    assert _style(code, "userSelect") != "none"
    selected = code.evaluate(
        """c => { const r = document.createRange(); r.selectNodeContents(c);
                  const s = getSelection(); s.removeAllRanges(); s.addRange(r);
                  return s.toString(); }"""
    )
    assert "git reset --hard <commit-hash>\ngit push --force origin release" in selected


def test_pages_with_code_break_no_content_security_rule(open_page, runbooks):
    page = open_page(PHONE, permissions=CLIPBOARD)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    for path in (RESTORE, ROLLBACK, "/a/operations/11-check-the-release"):
        page.goto(runbooks + path)
        page.locator(".copy").first.click()
    assert refused == []


CALLOUTS = """# Restores

## Before you start

> [!WARNING]
> A restore overwrites today's data.

> [!NOTE]
> Nightly dumps are kept for a week.

!!! danger "Careful"
    Dropping the schema cannot be undone.
"""


@pytest.fixture(scope="module")
def callouts(tmp_path_factory):
    yield from _served_file(tmp_path_factory, "restores.md", CALLOUTS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_alerts_and_admonitions_read_as_callouts_of_their_kind(open_page, callouts, scheme):
    page = open_page(SIZES["desktop"], scheme=scheme)
    page.goto(callouts + "/a/restores/before-you-start")
    warning = page.locator(".markdown-alert-warning")
    note = page.locator(".markdown-alert-note")
    danger = page.locator(".admonition.danger")
    bars = {_style(box, "borderLeftColor") for box in (warning, note, danger)}
    assert len(bars) == 3  # each kind its own colour
    for box in (warning, note, danger):
        assert _style(box, "borderLeftWidth") == "4px"
        title = box.locator(".markdown-alert-title, .admonition-title")
        seen = over(_style(box, "backgroundColor"), _page_background(page))
        assert contrast(_style(title, "color"), seen) >= 4.5
        assert contrast(_style(box.locator("p").last, "color"), seen) >= 4.5
    keep_screenshot(page, f"callouts-{scheme}", full_page=True)
