// lang.js - the page's language, for every page script (issue 14).
// The layout loads it first, in <head>, without defer. A page shows one
// language (<html lang="ko|en" data-lang="ko|en">) or both side by side
// (data-lang="both", <html lang="ko">: Korean is the primary). Page scripts
// say `function t(ko, en) { return siteLang.t(ko, en); }`.
//
// Static pages (the 431 page, the other site) are served without a
// program, so nobody chose for them: they carry data-lang="auto" and both
// languages. Here script picks, as the server would: ?lang= (the link
// from the teaching site names it; the other site is another origin), then
// the "lang" cookie (readable by script on purpose, S-C6; the same host
// shares it across ports), then the browser's languages, then Korean.
// Without script such a page shows both, labelled side by side.
"use strict";
(function () {
  var root = document.documentElement;
  var CHOICES = { ko: 1, en: 1, both: 1 };

  function cookieLang() {
    var found = "";
    document.cookie.split(";").forEach(function (pair) {
      var kv = pair.trim().split("=");
      if (kv[0] === "lang") found = kv[1] || "";
    });
    return found;
  }

  function browserLang() {
    var list = navigator.languages || [navigator.language || ""], i, l;
    for (i = 0; i < list.length; i++) {
      l = String(list[i]).toLowerCase();
      if (l === "ko" || l.indexOf("ko-") === 0) return "ko";
      if (l === "en" || l.indexOf("en-") === 0) return "en";
    }
    return "ko";
  }

  if (root.getAttribute("data-lang") === "auto") {
    var asked = new URLSearchParams(window.location.search).get("lang") || "";
    var pick = CHOICES[asked] ? asked :
      CHOICES[cookieLang()] ? cookieLang() : browserLang();
    root.setAttribute("data-lang", pick);
    root.lang = pick === "en" ? "en" : "ko";
    // The title cannot be hidden by CSS: it names both until picked.
    var title = document.querySelector("title[data-ko][data-en]");
    if (title && pick !== "both")
      document.title = title.getAttribute(pick === "en" ? "data-en" :
                                          "data-ko");
  }

  // "ko", "en" or "both": what this page shows.
  function shown() {
    var d = root.getAttribute("data-lang");
    if (d === "both" || d === "en" || d === "ko") return d;
    return root.lang === "en" ? "en" : "ko";
  }

  // The text for the page: ko or en, or "ko / en" when both are shown
  // (once when they are the same).
  function t(ko, en) {
    var s = shown();
    if (s === "both") return ko === en ? ko : ko + " / " + en;
    return s === "en" ? en : ko;
  }

  window.siteLang = { shown: shown, t: t };
})();
