// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Copy buttons on code blocks: one click from the runbook to the terminal.
  function addCopyButtons() {
    document.querySelectorAll(".prose pre, .step pre").forEach(function (pre) {
      var code = pre.querySelector("code");
      if (!code || !navigator.clipboard) return;
      var block = document.createElement("div");
      block.className = "code-block";
      pre.parentNode.insertBefore(block, pre);
      block.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(code.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      block.appendChild(button);
    });
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

  // As-you-type suggestions from /api/search; the form still submits without them.
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
        a.textContent = result.title;
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

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    focusSearchOnSlash();
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    document.querySelectorAll("input[data-filter]").forEach(liveFilter);
  });
})();
