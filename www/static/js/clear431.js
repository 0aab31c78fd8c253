// clear431.js - the one-click rescue on the static 431 page (S-C4).
// Deletes the cookie lab's cookies by writing each name again with
// Max-Age=0 and the lab's Paths. Script can do this for cookies that are
// not HttpOnly, even from a page whose own request was refused.
"use strict";
(function () {
  var LAB_PATHS = ["/lab/limits/", "/lab/path/", "/lab/"];
  // A static page: lang.js picked its language (?lang=, the lang cookie,
  // the browser's), or both when it could not run.
  function t(ko, en) { return siteLang.t(ko, en); }
  // The site's own cookies are never touched here.
  var KEEP = { sid: 1, theme: 1, lang: 1, sort: 1, visitId: 1,
               hideNotice: 1 };

  function labNames() {
    var names = ["big"], i;
    for (i = 1; i <= 5; i++) names.push("fill" + i);
    for (i = 1; i <= 200; i++) names.push("c" + ("00" + i).slice(-3));
    // Any other lab cookie script can see from here.
    document.cookie.split(";").forEach(function (pair) {
      var name = pair.split("=")[0].trim();
      if (name && !KEEP[name] && names.indexOf(name) < 0) names.push(name);
    });
    return names;
  }

  function clearLab() {
    var names = labNames(), before = document.cookie.length;
    names.forEach(function (name) {
      LAB_PATHS.forEach(function (path) {
        document.cookie = name + "=; Max-Age=0; Path=" + path;
      });
    });
    return before;
  }

  // A static page cannot be themed by the server: follow the theme
  // preference cookie (readable by script on purpose, S-C6) here.
  document.cookie.split(";").forEach(function (pair) {
    var kv = pair.trim().split("=");
    if (kv[0] === "theme" && (kv[1] === "light" || kv[1] === "dark"))
      document.documentElement.setAttribute("data-theme", kv[1]);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("clear-lab-js");
    var out = document.getElementById("clear-lab-result");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var before = clearLab();
      out.textContent = "document.cookie " + before + " → " +
        document.cookie.length + " B. " +
        t("다시 불러옵니다…", "Reloading…");
      window.setTimeout(function () { window.location.reload(); }, 600);
    });
  });
})();
