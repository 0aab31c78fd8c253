// wire.js - fills the "Visible to script?" column of the wire view by
// comparing document.cookie with the cookies the server received. An
// HttpOnly cookie reached the server but is absent from document.cookie.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var seen = {};
  document.cookie.split(";").forEach(function (pair) {
    var eq = pair.indexOf("=");
    var name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (name) seen[name] = true;
  });
  document.querySelectorAll("tr[data-cookie]").forEach(function (row) {
    var cell = row.querySelector(".js-visible");
    if (!cell) return;
    var visible = seen[row.getAttribute("data-cookie")] === true;
    cell.textContent = visible ? cell.getAttribute("data-yes")
                               : cell.getAttribute("data-no");
    cell.className = "js-visible " + (visible ? "yes" : "no");
  });
});
