// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Code blocks: a copy button per command (the server wraps each in span.command), or one
  // for a block that is not commands; the buttons stand in a gutter beside the code, never
  // over it. A block too wide for the screen says it scrolls sideways.
  function enhanceCode() {
    document.querySelectorAll(".prose pre, .step pre").forEach(function (pre) {
      var code = pre.querySelector("code");
      if (!code) return;
      var block = document.createElement("div");
      block.className = "code-block";
      pre.parentNode.insertBefore(block, pre);
      block.appendChild(pre);
      pre.tabIndex = 0; // scrollable with the keyboard
      addCopyButtons(block, pre, code);
      addScrollHint(block, pre);
    });
  }

  function commandText(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll(".prompt").forEach(function (prompt) { prompt.remove(); });
    return copy.textContent.replace(/\n+$/, "");
  }

  function copyText(text, element) {
    if (navigator.clipboard) return navigator.clipboard.writeText(text);
    // Plain http on an intranet has no clipboard API: select the command and copy that.
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = document.execCommand("copy");
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function addCopyButtons(block, pre, code) {
    var commands = Array.prototype.slice.call(code.querySelectorAll(".command"));
    var targets = commands.length ? commands : [code];
    var gutter = document.createElement("div");
    gutter.className = "copy-gutter";
    block.appendChild(gutter);
    var buttons = targets.map(function (target, index) {
      var text = commandText(target);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy" + (target.classList.contains("danger") ? " danger" : "");
      button.textContent = "Copy";
      var what = commands.length ? "Copy command " + (index + 1) + ": " : "Copy: ";
      button.setAttribute("aria-label", what + text.split("\n")[0]);
      button.addEventListener("click", function () {
        // Read at the click, not before: fill-in fields may have changed the command since.
        copyText(commandText(target), target).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Select it"; });
      });
      gutter.appendChild(button);
      return button;
    });
    function place() { // beside the first line of each command, never one over another
      var top = gutter.getBoundingClientRect().top, floor = 0;
      buttons.forEach(function (button, index) {
        var y = Math.max(targets[index].getBoundingClientRect().top - top - 2, floor);
        button.style.top = y + "px";
        floor = y + button.offsetHeight + 2;
      });
    }
    place();
    window.addEventListener("resize", place);
    document.addEventListener("toggle", place, true); // code inside <details> opened later
  }

  function addScrollHint(block, pre) {
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.textContent = "Scroll sideways for the whole line →";
    block.appendChild(hint);
    function update() { hint.hidden = pre.scrollWidth <= pre.clientWidth + 1; }
    update();
    window.addEventListener("resize", update);
    document.addEventListener("toggle", update, true);
  }

  // "/" focuses the search box, as on GitHub and most docs sites.
  function focusSearchOnSlash() {
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (event.key !== "/" || tag === "input" || tag === "textarea" || event.target.isContentEditable) return;
      var box = document.querySelector("input[type=search]");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    });
  }

  function part(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  // As-you-type suggestions from /api/search, each with its kind and where it sits; they
  // open below the box and push the page down rather than cover its buttons.
  function suggest(input) {
    var box = document.createElement("ul");
    box.className = "suggest-box";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    input.parentNode.appendChild(box);
    input.setAttribute("aria-autocomplete", "list");
    var timer = null, active = -1, seq = 0;

    function close() { box.hidden = true; active = -1; }
    function mark(index) {
      var items = box.querySelectorAll("li");
      items.forEach(function (li, i) { li.classList.toggle("active", i === index); });
      active = index;
    }
    function show(results) {
      box.textContent = "";
      results.forEach(function (result) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = result.url;
        a.appendChild(part("span", "badge " + result.kind, result.kind));
        a.appendChild(part("span", "suggest-title", result.title));
        if (result.breadcrumb) a.appendChild(part("span", "suggest-crumbs", result.breadcrumb));
        li.appendChild(a);
        box.appendChild(li);
      });
      box.hidden = results.length === 0;
      active = -1;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch("/api/search?limit=6&log=0&q=" + encodeURIComponent(text))
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (mine === seq) show(data.results || []); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var items = box.querySelectorAll("li");
      if (box.hidden || !items.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].querySelector("a").href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  // Filter a list as you type (the form still filters on the server without JS).
  function liveFilter(input) {
    var items = document.querySelectorAll(input.getAttribute("data-filter"));
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase();
        item.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  }


  // ---- Responder flow (issue 10, part A): waiting states, live triage, incident summary ----

  // A form that runs live checks says so while it waits, with the seconds counting, so a
  // slow target reads as a wait and not as a page that died. The server decides the words.
  function showBusy(form) {
    form.addEventListener("submit", function (event) {
      var by = event.submitter;
      var message = (by && by.getAttribute("data-busy")) || form.getAttribute("data-busy");
      if (!message) return;
      if (form.classList.contains("busy")) { event.preventDefault(); return; }
      form.classList.add("busy");
      form.setAttribute("aria-busy", "true");
      var note = document.createElement("p");
      note.className = "busy-note";
      note.setAttribute("role", "status");
      form.appendChild(note);
      var started = Date.now();
      function tick() { note.textContent = message + " " + Math.floor((Date.now() - started) / 1000) + " s"; }
      tick();
      setInterval(tick, 500);
      // Disabled after the browser has read the form, so the pressed button still counts.
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  }

  // "Check everything" streams: one line per check as it returns, then the run's address.
  // Anything unexpected (an old browser, a refusal, a dropped connection) falls back to
  // posting the form, which answers with the whole page as it does without JavaScript.
  function streamTriage(form) {
    var live = form.parentNode.querySelector(".live-run");
    if (!live || !window.fetch || !window.TextDecoder || !window.ReadableStream) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.classList.contains("busy")) return;
      form.classList.add("busy");
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      var earlier = document.querySelector(".run-results");
      if (earlier) earlier.hidden = true;
      live.hidden = false;
      var started = Date.now();
      function tick() {
        var seconds = Math.floor((Date.now() - started) / 1000);
        live.querySelectorAll(".check-result.waiting .elapsed").forEach(function (span) {
          span.textContent = "sent, no answer yet · " + seconds + " s";
        });
      }
      tick();
      var timer = setInterval(tick, 500);
      function fallBack() { clearInterval(timer); HTMLFormElement.prototype.submit.call(form); }
      fetch(form.getAttribute("data-stream"), {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/x-ndjson" }
      }).then(function (response) {
        if (!response.ok || !response.body) { fallBack(); return; }
        var finished = false;
        return readLines(response.body, function (line) {
          var news = JSON.parse(line);
          if (news.check) {
            var row = live.querySelector('[data-check="' + CSS.escape(news.check) + '"]');
            if (row) row.outerHTML = news.html;
          } else if (news.done) {
            finished = true;
            clearInterval(timer);
            window.location.assign(news.done);
          }
        }).then(function () { if (!finished) fallBack(); });  // cut off before the end
      }).catch(fallBack);
    });
  }

  function readLines(body, each) {
    var reader = body.getReader(), decoder = new TextDecoder(), buffer = "";
    function pump() {
      return reader.read().then(function (part) {
        if (part.done) return;
        buffer += decoder.decode(part.value, { stream: true });
        var lines = buffer.split("\n");
        buffer = lines.pop();
        lines.filter(Boolean).forEach(each);
        return pump();
      });
    }
    return pump();
  }

  // The incident summary onto the clipboard, for the incident channel. Over plain HTTP
  // (no Clipboard API) the text is selected and copied the old way.
  function copySummary(button) {
    var box = document.querySelector(button.getAttribute("data-copy-from"));
    if (!box) return;
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    function said(ok) {
      status.textContent = ok ? "Copied: paste it into the incident channel."
                              : "Copying was refused: the text is selected below, copy it yourself.";
    }
    function oldWay() {
      box.closest("details").open = true;
      box.focus();
      box.select();
      try { return document.execCommand("copy"); } catch (e) { return false; }
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(function () { said(true); },
                                                      function () { said(oldWay()); });
      } else {
        said(oldWay());
      }
    });
  }

  // The server writes a bare path unless KB_BASE_URL is set (it does not trust the Host
  // header); the browser knows its own address, so links leave complete.
  function completeLinks() {
    var box = document.querySelector("#incident-summary");
    if (!box) return;
    var path = box.getAttribute("data-relative-link");
    if (path) box.value = box.value.split("Link: " + path).join("Link: " + location.origin + path);
    document.querySelectorAll("a[data-mail-summary]").forEach(function (a) {
      a.href = a.href.split("&body=")[0] + "&body=" + encodeURIComponent(box.value.slice(0, 1500));
    });
  }

  function responderFlow() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.hasAttribute("data-busy") || form.querySelector("button[data-busy]")) showBusy(form);
    });
    document.querySelectorAll("form[data-stream]").forEach(streamTriage);
    document.querySelectorAll("button[data-copy-from]").forEach(copySummary);
    completeLinks();
    // Back to a page left while waiting: the browser may restore it as it was, waiting.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && document.querySelector("form.busy")) window.location.reload();
    });
  }
  // ---- end of responder flow ----

  // A form that changes something is sent once: a double click on "Save", "Still correct"
  // or an answer would otherwise send it twice, and the second would read as a conflict.
  function sendOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) event.preventDefault();
      else form.setAttribute("data-sent", "1");
    });
  }

  window.addEventListener("pageshow", function () { // back to a page kept in memory
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[method=post]:not(.kb-fields)").forEach(sendOnce);
    enhanceCode();
    focusSearchOnSlash();
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    document.querySelectorAll("input[data-filter]").forEach(liveFilter);
    responderFlow();
  });
})();
