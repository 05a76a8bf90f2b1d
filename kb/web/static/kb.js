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

  document.addEventListener("DOMContentLoaded", function () {
    enhanceCode();
    focusSearchOnSlash();
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    document.querySelectorAll("input[data-filter]").forEach(liveFilter);
  });
})();
