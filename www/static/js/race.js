/* race.js - the race lab (/cart/race, S-S5): send N increments at once to
 * the transactional store, then N at once to the naive one, then show the
 * counters. The forms on the page do the
 * same one request at a time without script. */
(function () {
  "use strict";
  var box = document.querySelector(".race-run");
  var go = document.getElementById("race-go");
  if (!box || !go) {
    return;
  }
  var csrf = box.getAttribute("data-csrf");
  var out = document.getElementById("race-result");

  function send(mode) {
    var body = new URLSearchParams();
    body.set("mode", mode);
    body.set("csrf", csrf);
    return fetch("/cart/race/add", {
      method: "POST", body: body, credentials: "same-origin",
      redirect: "manual"
    });
  }

  function refresh(sent) {
    return fetch("/cart/race", { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["race-safe", "race-naive"].forEach(function (id) {
          var v = doc.getElementById(id);
          if (v) {
            document.getElementById(id).textContent = v.textContent;
          }
        });
        out.textContent = out.getAttribute("data-sent") + " " + sent +
          " × 2";
      });
  }

  go.hidden = false;
  document.getElementById("race-order").hidden = false;
  out.setAttribute("data-sent", go.getAttribute("data-sent") || "");
  go.addEventListener("click", function () {
    var n = parseInt(document.getElementById("race-n").value, 10);
    if (!(n >= 2 && n <= 50)) {
      n = 20;
    }
    // One store at a time: a naive write-back of the whole session would
    // also erase the transactional counter's concurrent increments.
    function batch(mode) {
      var all = [];
      for (var i = 0; i < n; i++) {
        all.push(send(mode));
      }
      return Promise.all(all);
    }
    go.disabled = true;
    batch("safe").then(function () { return batch("naive"); })
      .then(function () { return refresh(n); },
            function () { return refresh(n); })
      .then(function () { go.disabled = false; });
  });
}());
