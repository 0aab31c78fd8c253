// other.js - the "other site" of S-C9: points the form, the link and the
// fetches at the teaching site (?main=http://HOST:PORT, or https://, on
// 127.0.0.1 or localhost; default http://127.0.0.1:8080)
// and shows which credentialed fetches script may read.
"use strict";
(function () {
  var MODES = ["none", "star", "origin", "credentials"];
  // A static page: lang.js picked its language (?lang=, the lang cookie,
  // the browser's), or both when it could not run.
  function t(ko, en) { return siteLang.t(ko, en); }

  function mainOrigin() {
    var m = new URLSearchParams(window.location.search).get("main") || "";
    // Only this machine: never a page of the visitor's choosing.
    if (/^https?:\/\/(127\.0\.0\.1|localhost):[0-9]{1,5}$/.test(m)) return m;
    return "http://127.0.0.1:8080";
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function runOne(base, mode, tbody) {
    var row = document.createElement("tr");
    row.setAttribute("data-mode", mode);
    tbody.appendChild(row);
    cell(row, mode);
    cell(row, "include");
    return fetch(base + "/cookies/echo?cors=" + mode,
                 { credentials: "include", mode: "cors" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var names = j.pairs.map(function (p) { return p.name; }).join(", ");
        cell(row, t("읽을 수 있음", "readable")).className = "yes";
        cell(row, names || t("(없음)", "(none)"));
        row.setAttribute("data-readable", "yes");
        row.setAttribute("data-cookies", names);
      })
      .catch(function (e) {
        cell(row, t("읽을 수 없음", "not readable") + " — " + e.name)
          .className = "no";
        cell(row, t("(스크립트에는 보이지 않음)", "(hidden from script)"));
        row.setAttribute("data-readable", "no");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var base = mainOrigin();
    document.getElementById("main-origin").textContent = base;
    document.getElementById("here-origin").textContent =
      window.location.origin;
    document.getElementById("post-form").action =
      base + "/cookies/samesite/echo";
    document.getElementById("get-link").href =
      base + "/cookies/samesite/echo?from=other-site";
    document.getElementById("here-cookies").textContent =
      document.cookie || t("(비어 있음)", "(empty)");
    var button = document.getElementById("run-fetch");
    var tbody = document.querySelector("#fetch-results tbody");
    button.hidden = false;
    button.addEventListener("click", function () {
      tbody.textContent = "";
      var chain = Promise.resolve();
      MODES.forEach(function (mode) {
        chain = chain.then(function () { return runOne(base, mode, tbody); });
      });
      chain.then(function () { tbody.setAttribute("data-done", "1"); });
    });
  });
})();
