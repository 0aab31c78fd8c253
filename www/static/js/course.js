// course.js - the class path's script side (issue 14), loaded on every
// page by the layout:
//  - /course: shows the `course` cookie as script reads it
//    (document.cookie), beside the value the server received;
//  - /teach: polls /teach/counts every 5 s and updates the counts table
//    (without script the page shows the counts of its own render);
//  - projector mode: a toggle on /teach and /course kept in the
//    `projector` cookie (Path=/, SameSite=Lax, 12 hours); on any page
//    with it, the page gets class "projector" (large type, the prose
//    hidden, the wire view kept) and a "key facts" box with the facts of
//    the steps of /course whose link is this page (GET /course/state).
// Every sentence it writes comes from the server, in the page's language
// (data-* attributes or /course/state's labels).
"use strict";
(function () {
  var POLL_MS = 5000;
  var PROJECTOR = "projector";

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }

  function getJSON(path) {
    return fetch(path, { credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      });
  }

  // /course: what script sees of the mirror cookie.
  function showMirror() {
    var box = document.getElementById("course-cookie-js");
    if (!box) return;
    var v = cookie("course");
    box.textContent = v === null ? "—" : (v || "\"\"");
  }

  // /teach: the counts, re-read every POLL_MS.
  function pollCounts() {
    var table = document.getElementById("teach-counts");
    if (!table) return;
    var updated = document.getElementById("teach-updated");
    var label = updated ? updated.getAttribute("data-label") : "";
    function once() {
      getJSON(table.getAttribute("data-poll")).then(function (d) {
        (d.checkpoints || []).forEach(function (c) {
          var cell = table.querySelector('td.count[data-id="' + c.id + '"]');
          if (cell && cell.textContent !== String(c.count)) {
            cell.textContent = String(c.count);
            cell.classList.add("rose");
          }
        });
        var v = document.getElementById("teach-visitors");
        if (v) v.textContent = String(d.visitors);
        if (updated)
          updated.textContent = label + " " + new Date().toLocaleTimeString();
      }).catch(function () { /* the next poll tries again */ });
    }
    once();
    setInterval(once, POLL_MS);
  }

  function projectorOn() { return cookie(PROJECTOR) === "1"; }

  function setProjector(on) {
    document.cookie = PROJECTOR + "=" + (on ? "1; Max-Age=43200" :
      "; Max-Age=0") + "; Path=/; SameSite=Lax";
    location.reload();
  }

  // The toggle on /teach (and any page that has one).
  function wireToggle() {
    var b = document.getElementById("projector-toggle");
    if (!b) return;
    b.hidden = false;
    b.setAttribute("aria-pressed", projectorOn() ? "true" : "false");
    b.addEventListener("click", function () { setProjector(!projectorOn()); });
  }

  // Projector mode on a lesson page: the class, and the key facts box.
  function projector() {
    if (!projectorOn()) return;
    var path = location.pathname;
    if (path === "/teach" || path === "/course" ||
        path.indexOf("/course/") === 0)
      return;   // those pages have their own ?projector=1
    document.documentElement.classList.add("projector");
    getJSON("/course/state").then(function (d) {
      var mine = (d.steps || []).filter(function (s) {
        return s.href === path;
      });
      var main = document.getElementById("main");
      if (!main) return;
      var box = document.createElement("aside");
      box.className = "keyfacts projector-facts";
      box.id = "projector-facts";
      var h = document.createElement("h2");
      h.textContent = d.labels.facts;
      box.appendChild(h);
      mine.forEach(function (s) {
        var p = document.createElement("p");
        var b = document.createElement("strong");
        b.textContent = s.title + " ";
        p.appendChild(b);
        p.appendChild(document.createTextNode(s.facts.replace(/`/g, "")));
        box.appendChild(p);
      });
      var off = document.createElement("button");
      off.type = "button";
      off.textContent = d.labels.off;
      off.addEventListener("click", function () { setProjector(false); });
      box.appendChild(off);
      var h1 = main.querySelector("h1");
      main.insertBefore(box, h1 ? h1.nextSibling : main.firstChild);
    }).catch(function () { /* the page stays as it is */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showMirror();
    pollCounts();
    wireToggle();
    projector();
  });
})();
