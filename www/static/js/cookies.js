// cookies.js - the cookie lessons' script side (S-C1, S-C2, S-C4):
// shows document.cookie beside the server's view (HttpOnly cookies are
// missing from it); on /lab/limits/ tries big cookies from script to show
// which ones the browser keeps, and keeps track of the site's own cookies
// (which of them exist now, which a batch of lab cookies made the browser
// drop). Every sentence it writes comes from the page (data-* attributes
// the server filled in the page's language), or from t() below.
"use strict";
(function () {
  function t(ko, en) { return siteLang.t(ko, en); }

  function showDocCookie() {
    var box = document.getElementById("doc-cookie");
    if (!box) return;
    var raw = document.cookie;
    box.textContent = raw ? raw.split("; ").join("\n") :
      box.getAttribute("data-empty");
    box.setAttribute("data-count", raw ? String(raw.split("; ").length) : "0");
  }

  function has(name) {
    return document.cookie.split("; ").some(function (p) {
      return p.split("=")[0] === name;
    });
  }

  // Try 4096 and 5000 bytes (name + value) from script at /lab/limits/,
  // report what the browser kept, then delete them again: a second 4 KiB
  // cookie here would push this path's Cookie header past the programs'
  // 8 KiB limit, which is not this experiment.
  function tryBig(out) {
    var lines = [];
    [4096, 5000].forEach(function (size) {
      var name = "js" + size;
      var value = new Array(size - name.length + 1).join("j");
      document.cookie = name + "=" + value + "; Path=/lab/limits/";
      lines.push(name + " (" + size + " B): " + out.getAttribute(
        has(name) ? "data-kept" : "data-dropped"));
      document.cookie = name + "=; Max-Age=0; Path=/lab/limits/";
    });
    lines.push(out.getAttribute("data-again"));
    out.textContent = lines.join("\n");
    showDocCookie();
  }

  // ---- the site's own cookies on /lab/limits/ (S-C4) ----------------------

  var BEFORE = "limits.siteCookiesBefore";
  // Two answers cover every Path of the cookie lessons: "/", "/cookies/",
  // "/cookies/hello" and "/cookies/tamper/".
  var ECHOES = ["/cookies/hello/echo", "/cookies/tamper/echo"];

  // RFC 6265 §5.1.4: is a cookie of Path path sent to page?
  function pathMatch(path, page) {
    if (page.indexOf(path) !== 0) return false;
    return path.slice(-1) === "/" || page.length === path.length ||
      page.charAt(path.length) === "/";
  }

  function observable(path) {
    return ECHOES.some(function (u) { return pathMatch(path, u); });
  }

  function loadBefore() {
    try {
      var s = window.sessionStorage.getItem(BEFORE);
      window.sessionStorage.removeItem(BEFORE);
      return s ? JSON.parse(s) : null;
    } catch (e) {
      return null;
    }
  }

  function saveBefore(names) {
    try {
      window.sessionStorage.setItem(BEFORE, JSON.stringify(names));
    } catch (e) { /* no storage: no comparison afterwards */ }
  }

  function codeList(el, names) {
    el.textContent = "";
    names.forEach(function (n, i) {
      if (i) el.appendChild(document.createTextNode(", "));
      var c = document.createElement("code");
      c.textContent = n;
      el.appendChild(c);
    });
  }

  // Mark each site cookie here, absent or gone, list the ones at risk,
  // and the ones a batch made the browser drop, with how to get them back.
  function showSiteCookies(table, now, before) {
    var here = [], gone = [], groups = [];
    table.querySelectorAll(".site-state").forEach(function (span) {
      var name = span.getAttribute("data-name");
      var state = span.getAttribute("data-state");
      if (observable(span.getAttribute("data-path"))) {
        if (now[name]) state = "here";
        else if ((before && before.indexOf(name) >= 0) || state === "gone")
          state = "gone";
        else state = "absent";
        span.setAttribute("data-state", state);
        span.textContent = table.getAttribute("data-" + state);
      }
      if (state === "here") here.push(name);
      if (state === "gone" && before && before.indexOf(name) >= 0) {
        gone.push(name);
        var row = span.closest("tr");
        if (groups.indexOf(row) < 0) groups.push(row);
      }
    });
    var risk = document.getElementById("limits-at-risk");
    if (risk) {
      if (here.length) codeList(risk, here);
      else risk.textContent = risk.getAttribute("data-none");
    }
    table.setAttribute("data-found", here.join(","));
    var box = document.getElementById("js-dropped");
    if (box && gone.length) {
      var ul = box.querySelector("ul");
      ul.textContent = "";
      groups.forEach(function (row) {
        var li = document.createElement("li"), names = [];
        row.querySelectorAll('.site-state[data-state="gone"]').forEach(
          function (s) {
            var n = s.getAttribute("data-name");
            if (gone.indexOf(n) >= 0) names.push(n);
          });
        var list = document.createElement("span");
        codeList(list, names);
        li.appendChild(list);
        li.appendChild(document.createTextNode(" — "));
        var back = row.cells[2].cloneNode(true);
        while (back.firstChild) li.appendChild(back.firstChild);
        ul.appendChild(li);
      });
      box.hidden = false;
    }
    table.setAttribute("data-lost", gone.join(","));
    table.setAttribute("data-inventory", "done");
    return here;
  }

  function siteCookies(table) {
    var before = loadBefore(), here = null;
    // Whatever a batch form sends next, remember what existed before it.
    document.querySelectorAll('form[method="post"]').forEach(function (f) {
      f.addEventListener("submit", function () {
        if (here) saveBefore(here);
      });
    });
    if (!window.fetch) return;
    Promise.all(ECHOES.map(function (u) {
      return fetch(u, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        });
    })).then(function (answers) {
      var now = {};
      answers.forEach(function (j) {
        j.pairs.forEach(function (p) { now[p.name] = 1; });
      });
      here = showSiteCookies(table, now, before);
    }).catch(function (e) {
      table.setAttribute("data-inventory", t("실패: ", "failed: ") + e);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showDocCookie();
    var big = document.getElementById("js-big");
    var out = document.getElementById("js-big-result");
    if (big && out) {
      big.hidden = false;
      big.addEventListener("click", function () { tryBig(out); });
    }
    var table = document.getElementById("limits-site");
    if (table) siteCookies(table);
  });
})();
