// Search in an exported kb: the index is a script (search-index.js), read in the page.
// No request leaves the page, so this works from file:// and from any static host.
// Its words are made as kb/static_export/search_index.py makes them: keep the two alike.
(function () {
  "use strict";

  var INDEX = window.KB_SEARCH_INDEX;
  var MAX_EXPANSIONS = 24; // prefix matches per word, the most common first
  var SHOWN = 30;
  var TOKEN = /[\p{L}\p{N}_]+(?:'[\p{L}\p{N}_]+)?(?:[._\/-][\p{L}\p{N}_]+(?:'[\p{L}\p{N}_]+)?)*/gu;
  var CAMEL = /[a-z][A-Z]|[A-Z]{2}[a-z]/;
  var CAMEL_PART = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+/g;
  var SPLIT = /[._\/-]+/;
  var ALPHA = /^\p{L}+$/u;

  function set(list) {
    var found = Object.create(null);
    (list || []).forEach(function (word) { found[word] = true; });
    return found;
  }
  var STOP = set(INDEX && INDEX.stop);
  var NEGATIONS = set(INDEX && INDEX.negations);
  var SUFFIXES = (INDEX && INDEX.suffixes) || [];

  var CODES = /^\d(?:\d\d|xx)s$/;  // a status code's plural ("500s") is the code

  function stem(word) {
    if (CODES.test(word)) return word.slice(0, -1);
    if (!ALPHA.test(word) || word.length <= 3) return word;
    var n = word.length;
    if (/ies$/.test(word) && n > 4) word = word.slice(0, -3) + "y";
    else if (/ing$/.test(word) && n > 5) word = word.slice(0, -3);
    else if (/e[ds]$/.test(word) && n > 4) word = word.slice(0, -2);
    else if (/s$/.test(word) && !/ss$/.test(word)) word = word.slice(0, -1);
    if (/e$/.test(word) && word.length > 4) word = word.slice(0, -1);
    return word;
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\u2019/g, "'");
  }

  function word(raw) {
    var w = raw.toLowerCase();
    if (NEGATIONS[w]) return null;
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suffix = SUFFIXES[i];
      if (w.length > suffix.length && w.slice(-suffix.length) === suffix) {
        w = w.slice(0, -suffix.length);
        break;
      }
    }
    w = w.replace(/'/g, "");
    if (!w || STOP[w]) return null;
    return stem(w);
  }

  function parts(raw) {
    if (SPLIT.test(raw)) return raw.split(SPLIT).filter(Boolean);
    return CAMEL.test(raw) ? raw.match(CAMEL_PART) || [] : [];
  }

  function tokens(text) {
    var found = [];
    (fold(text).match(TOKEN) || []).forEach(function (raw) {
      var pieces = parts(raw);
      if (!pieces.length) {
        var w = word(raw);
        if (w) found.push(w);
        return;
      }
      var whole = raw.toLowerCase().replace(/'/g, "");
      if (!STOP[whole]) found.push(whole);
      pieces.forEach(function (piece) {
        var w = word(piece);
        if (w && w !== whole) found.push(w);
      });
    });
    return found;
  }

  // The first position whose word is >= term (words are sorted as JavaScript compares).
  function lowerBound(words, term) {
    var lo = 0, hi = words.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (words[mid] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // Positions of the words a query word finds: itself, then words it begins (weighed less).
  function matches(term) {
    var words = INDEX.words, found = [], start = lowerBound(words, term), i = start;
    if (words[i] === term) { found.push([i, 1]); i++; }
    if (term.length < 3) return found;
    var longer = [];
    for (; i < words.length && words[i].lastIndexOf(term, 0) === 0; i++) longer.push(i);
    longer.sort(function (a, b) { return INDEX.postings[b].length - INDEX.postings[a].length; });
    longer.slice(0, MAX_EXPANSIONS).forEach(function (j) { found.push([j, 0.5]); });
    return found;
  }

  // kb.content.library.name_key: lower case, letters and digits only.
  function nameKey(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  function search(query, limit) {
    if (!INDEX) return [];
    var terms = tokens(query).filter(function (t, i, all) { return all.indexOf(t) === i; });
    var count = INDEX.docs.length, total = new Float64Array(count), hits = new Uint8Array(count);
    var touched = [];
    terms.forEach(function (term) {
      var best = new Map();
      matches(term).forEach(function (match) {
        var list = INDEX.postings[match[0]];
        var idf = Math.log(1 + count / (list.length / 2)), doc = 0;
        for (var k = 0; k < list.length; k += 2) {
          doc += list[k];
          var score = list[k + 1] * idf * match[1];
          if (score > (best.get(doc) || 0)) best.set(doc, score);
        }
      });
      best.forEach(function (score, doc) {
        if (!hits[doc]) touched.push(doc);
        total[doc] += score;
        hits[doc] += 1;
      });
    });
    var scored = touched.map(function (doc) {
      var share = hits[doc] / terms.length;
      return { doc: doc, score: total[doc] * share * share };
    });
    // A file called exactly what was typed leads, as in kb's own search and /go/.
    var named = ((INDEX.names || {})[nameKey(query)] || []).reduce(function (found, doc) {
      found[doc] = 1;
      return found;
    }, {});
    function order(a, b) { return (named[b.doc] || 0) - (named[a.doc] || 0) || b.score - a.score; }
    scored.sort(order);
    var phrase = " " + terms.join(" ") + " ";
    var top = scored.slice(0, Math.max(limit * 3, 30)).map(function (item) {
      var title = " " + tokens(INDEX.docs[item.doc][1]).join(" ") + " ";
      if (terms.length > 1 && title.indexOf(phrase) !== -1) item.score *= 1.5;
      return item;
    });
    top.sort(order);
    return top.slice(0, limit).map(function (item) {
      var d = INDEX.docs[item.doc];
      return { url: d[0], title: d[1], kind: d[2], trail: d[3], snippet: d[4], guide: d[5], score: item.score };
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text, className) {
    var a = element("a", className, text);
    a.href = href;
    return a;
  }

  function showResult(list, result) {
    var li = element("li", "result");
    var h2 = element("h2");
    h2.appendChild(element("span", "badge " + result.kind, result.kind));
    h2.appendChild(document.createTextNode(" "));
    h2.appendChild(link(result.url, result.title));
    li.appendChild(h2);
    if (result.trail) li.appendChild(element("p", "crumbs", result.trail));
    if (result.snippet) li.appendChild(element("p", "snippet", result.snippet));
    if (result.guide) {
      var p = element("p");
      p.appendChild(link(result.guide, "Troubleshooting guide: walk it step by step", "button"));
      li.appendChild(p);
    }
    list.appendChild(li);
  }

  function render(query, status, list) {
    list.textContent = "";
    var text = query.trim();
    if (!text) { status.hidden = true; return; }
    var results = search(text, SHOWN);
    status.hidden = false;
    status.textContent = results.length
      ? (results.length === SHOWN ? "Best " + SHOWN : results.length) + " result" + (results.length === 1 ? "" : "s") + " for \u201c" + text + "\u201d"
      : "Nothing found for \u201c" + text + "\u201d. Try fewer words, or browse the A\u2013Z index.";
    results.forEach(function (result) { showResult(list, result); });
  }

  window.kbTokens = tokens;
  window.kbSearch = search;

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    if (!form || !status || !list) return;
    var notice = document.getElementById("search-needs-script");
    if (notice) notice.hidden = true;
    var input = form.querySelector("input[name=q]");
    if (!INDEX) {
      status.hidden = false;
      status.textContent = "The search index did not load. Browse the A\u2013Z index instead.";
      return;
    }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    render(query, status, list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { render(input.value, status, list); }, 120);
    });
  });
})();
