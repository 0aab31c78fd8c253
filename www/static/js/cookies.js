// cookies.js - the cookie lessons' script side (S-C1, S-C2, S-C4):
// shows document.cookie beside the server's view (HttpOnly cookies are
// missing from it), and on /lab/limits/ tries big cookies from script to
// show which ones the browser keeps.
"use strict";
(function () {
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
      lines.push(name + " (" + size + " B): " +
                 (has(name) ? "kept · 남음" : "dropped · 버려짐"));
      document.cookie = name + "=; Max-Age=0; Path=/lab/limits/";
    });
    lines.push("(deleted again · 다시 지움)");
    out.textContent = lines.join("\n");
    showDocCookie();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showDocCookie();
    var big = document.getElementById("js-big");
    var out = document.getElementById("js-big-result");
    if (big && out) {
      big.hidden = false;
      big.addEventListener("click", function () { tryBig(out); });
    }
  });
})();
