// wire.js - the wire view's live parts.
//  1. The "Visible to script?" column: compare document.cookie with the
//     cookies the server received. An HttpOnly cookie reached the server
//     but is absent from document.cookie.
//  2. Live countdowns: every element with data-at (a deadline, Unix
//     seconds on the server's clock) and data-now (the server's clock when
//     the page was made) ticks every second. The server's clock may run
//     ahead of this computer's (the demo clock), so only the difference
//     between the two is used.
//  3. Redis TTLs (S-S10): every element with data-ttl (seconds left when
//     the page was made, as Redis's TTL command said) counts down to 0,
//     as Redis does. Without script the figure at render stays.
"use strict";
(function () {
  function markScriptVisibility() {
    // seq.js (loaded by the same panel) reads document.cookie for both.
    var hidden = window.Seq.hiddenFromScript();
    document.querySelectorAll("tr[data-cookie]").forEach(function (row) {
      var cell = row.querySelector(".js-visible");
      if (!cell) return;
      var visible = !hidden(row.getAttribute("data-cookie"));
      cell.textContent = visible ? cell.getAttribute("data-yes")
                                 : cell.getAttribute("data-no");
      cell.className = "js-visible " + (visible ? "yes" : "no");
    });
  }

  // The same words as wire_format_delta in src/wire.c: Korean counts in
  // its own units ("29분 59초"), English in d/h/m/s.
  function span(d, ko) {
    var u = ko ? ["일", "시간", "분", "초"] : ["d", "h", "m", "s"];
    if (d >= 86400) return Math.floor(d / 86400) + u[0] + " " + Math.floor(d % 86400 / 3600) + u[1];
    if (d >= 3600) return Math.floor(d / 3600) + u[1] + " " + Math.floor(d % 3600 / 60) + u[2];
    if (d >= 60) return Math.floor(d / 60) + u[2] + " " + (d % 60) + u[3];
    return d + u[3];
  }

  function delta(at, now, ko) {
    var d = Math.abs(at - now);
    if (d === 0) return ko ? "지금" : "now";
    if (ko) return span(d, true) + (at > now ? " 후" : " 전");
    return at > now ? "in " + span(d, false) : span(d, false) + " ago";
  }

  function startCountdowns() {
    var cells = document.querySelectorAll("[data-at][data-now]");
    if (!cells.length) return;
    var ko = document.documentElement.lang === "ko";
    var loaded = Date.now();
    function tick() {
      var elapsed = Math.floor((Date.now() - loaded) / 1000);
      cells.forEach(function (el) {
        var at = parseInt(el.getAttribute("data-at"), 10);
        var now = parseInt(el.getAttribute("data-now"), 10) + elapsed;
        if (isNaN(at) || isNaN(now)) return;
        el.textContent = "(" + delta(at, now, ko) + ")";
        el.classList.toggle("passed", at <= now);
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  function startTtls() {
    var cells = document.querySelectorAll("[data-ttl]");
    if (!cells.length) return;
    var loaded = Date.now();
    function tick() {
      var elapsed = Math.floor((Date.now() - loaded) / 1000);
      cells.forEach(function (el) {
        var ttl = parseInt(el.getAttribute("data-ttl"), 10);
        if (isNaN(ttl) || ttl < 0) return;   // -1: no TTL; -2: no key
        var left = Math.max(ttl - elapsed, 0);
        el.textContent = String(left);
        el.classList.toggle("passed", left === 0);
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    markScriptVisibility();
    startCountdowns();
    startTtls();
  });
})();
