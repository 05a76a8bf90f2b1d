// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Copy buttons on code blocks: one click from the runbook to the terminal.
  function addCopyButtons() {
    document.querySelectorAll(".prose .highlight, .step .highlight").forEach(function (block) {
      var code = block.querySelector("code");
      if (!code || !navigator.clipboard) return;
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

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    focusSearchOnSlash();
  });
})();
