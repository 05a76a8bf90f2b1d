// Fill-in fields (kb.content.fields): typing a value fills every command on the page at once.
// Works on the markup only: each placeholder in code is <span class="kb-field" data-field>,
// and filling replaces its text, so any copy button copies the filled command.
// Where values go: on a diagnosis, to kb (everyone on it sees them); on an article, to this
// browser's localStorage. Secret-looking fields (data-secret) go to sessionStorage only:
// never to kb, never into a URL, gone when the tab closes. Without this file the form
// posts and the page comes back filled.
(function () {
  "use strict";

  var STORE = "kb.fields";

  function keyOf(name) {
    return (name || "").trim().toLowerCase().replace(/[-. ]/g, "_");
  }

  function read(storage) {
    try {
      return JSON.parse(storage.getItem(STORE) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function remember(storage, key, value) {
    var all = read(storage);
    if (value) all[key] = value; else delete all[key];
    try { storage.setItem(STORE, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }

  function fill(key, value) {
    document.querySelectorAll(".kb-field[data-field]").forEach(function (span) {
      if (keyOf(span.getAttribute("data-field")) !== key) return;
      if (!span.hasAttribute("data-example")) span.setAttribute("data-example", span.textContent);
      span.textContent = value || span.getAttribute("data-example");
      span.classList.toggle("filled", Boolean(value));
    });
  }

  function storageFor(input) {
    try {
      return input.hasAttribute("data-secret") ? window.sessionStorage : window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function setup(form) {
    var shared = form.getAttribute("data-scope") === "diagnosis";
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-key]"));
    var status = form.querySelector(".kb-fields-status");
    var clear = form.querySelector("[data-clear]");
    var timer = null;

    function say(text) { if (status) status.textContent = text; }

    // What the server rendered wins (a diagnosis's values, a link's query), then this browser.
    inputs.forEach(function (input) {
      var storage = storageFor(input);
      var kept = !shared || input.hasAttribute("data-secret");
      if (!input.value && kept && storage) input.value = read(storage)[input.getAttribute("data-key")] || "";
      fill(input.getAttribute("data-key"), input.value.trim());
    });
    if (clear) clear.hidden = false;

    function save() {
      var body = new FormData();
      body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      inputs.forEach(function (input) {
        if (!input.hasAttribute("data-secret")) body.append(input.name, input.value.trim());
      });
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.ok) return say("Saved for everyone on this diagnosis.");
        return response.json().then(function (body) {
          var errors = (body && body.errors) || {};
          var why = Object.keys(errors).map(function (key) { return key + " " + errors[key]; });
          say("Not saved: " + (why.length ? why.join("; ") : "error " + response.status) + ".");
        }, function () { say("Not saved (" + response.status + ")."); });
      }).catch(function () { say("Not saved: kb cannot be reached."); });
    }

    function changed(input) {
      var key = input.getAttribute("data-key"), value = input.value.trim();
      var secret = input.hasAttribute("data-secret");
      fill(key, value);
      if (!shared || secret) {
        var storage = storageFor(input);
        if (storage) remember(storage, key, value);
        say(secret ? "Kept in this tab only." : "Kept in this browser.");
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(save, 500);
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", function () { changed(input); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      inputs.forEach(changed);
    });
    if (clear) {
      clear.addEventListener("click", function () {
        inputs.forEach(function (input) { input.value = ""; changed(input); });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.kb-fields").forEach(setup);
  });
})();
