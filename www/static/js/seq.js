// seq.js - the sequence diagram of an exchange (issue 14): Browser ->
// lighttpd -> program -> store, and back, drawn as SVG from data.
//
// The page's own exchange comes from the wire view's data block
// (<script type="application/json" id="wire-exchange">, made by
// src/site/wire.c): what this request really carried (Cookie, each
// Set-Cookie with its attributes, Authorization), the store operations
// the program made, the server's times, and the redirects that led here
// (hops). The words of the diagram come from that block too (the seq.*
// strings, in the page language): nothing here is in one language.
//
// Other scripts draw exchanges they made themselves (fetch) with
//     window.Seq.draw(element, exchanges)
// or, one fetch at a time, Seq.chain(element).add(Seq.fetchExchange(...)),
// where each exchange has the same fields as the data block (method,
// path, status, location, cookies, set_cookies, authorization, ops,
// program_us, store_us), any of them may be missing, plus what only a
// script knows: fetch (true: drawn as the script's fetch), browser_ms
// (its own measure of the round trip),
// cookies_hidden (the browser attached cookies the script cannot read)
// and set_cookie_hidden (the answer set a cookie: fetch cannot read
// Set-Cookie, so the diagram says so instead of showing one).
//
// Layout is in CSS pixels of the element's width (the viewBox is that
// width), so text keeps its size on a phone and grows on a projector;
// long labels wrap. Redrawn when the window is resized.
"use strict";
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var drawn = [];          // [{el, exchanges}] to redraw on resize
  var pageWords = null;
  var canvas = null;

  function pageData() {
    var block = document.getElementById("wire-exchange");
    if (!block) return null;
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function words() {
    if (!pageWords) {
      var d = pageData();
      pageWords = (d && d.words) || {};
    }
    return pageWords;
  }

  function w(key, n) {
    var s = words()[key];
    if (typeof s !== "string") s = key;
    return n === undefined ? s : s.replace("{n}", String(n));
  }

  // A time, its number and unit kept on one line (a no-break space).
  function fmtUs(us) {
    if (typeof us !== "number" || isNaN(us)) return "?";
    if (us < 1000) return Math.round(us) + "\u00a0µs";
    if (us < 100000) return (us / 1000).toFixed(1) + "\u00a0ms";
    return Math.round(us / 1000) + "\u00a0ms";
  }

  function measure(text, font) {
    if (!canvas) canvas = document.createElement("canvas");
    var g = canvas.getContext("2d");
    g.font = font;
    return g.measureText(text).width;
  }

  // Lines of at most max px: break after spaces; a word longer than a
  // line is cut by characters. Joined, the pieces give text back exactly.
  function wrap(text, font, max) {
    var out = [], line = "", parts = text.split(/(?<= )/);
    parts.forEach(function (p) {
      if (measure(line + p, font) <= max || line === "") {
        line += p;
      } else {
        out.push(line);
        line = p;
      }
      while (measure(line, font) > max && line.length > 1) {
        var cut = line.length - 1;
        while (cut > 1 && measure(line.slice(0, cut), font) > max) cut--;
        out.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    });
    if (line !== "" || !out.length) out.push(line);
    return out;
  }

  // The hop's rows, top to bottom. A row is an arrow between two lanes
  // (0 Browser, 1 lighttpd, 2 program, 3 store) or a note at one lane;
  // each line is {text, cls, data}.
  function rows(ex, hidden, last, browserMs) {
    var r = [], lines, i;
    var status = typeof ex.status === "number" ? ex.status : "?";
    var resCls = status >= 400 ? "err" : status >= 300 ? "redir" : "res";

    if (ex.fetch)
      r.push({ at: 0, lines: [{ text: w("fetch"), cls: "muted", data: { kind: "fetch" } }] });
    lines = [{ text: (ex.method || "GET") + " " + (ex.path || "/"),
               cls: "strong", data: { kind: "request" } }];
    if (ex.cookies_hidden) {
      lines.push({ text: "Cookie: …", cls: "mono", data: { kind: "cookie-hidden" } });
      lines.push({ text: "↳ " + w("fetch_cookie"), cls: "note", data: { kind: "hidden" } });
    } else if (ex.cookies && ex.cookies.length) {
      ex.cookies.forEach(function (c, k) {
        lines.push({ text: (k ? "" : "Cookie: ") + c.name + "=" + c.value,
                     cls: "mono", data: { kind: "cookie", name: c.name } });
        if (hidden(c.name))
          lines.push({ text: "↳ " + w("hidden"), cls: "hidden",
                       data: { kind: "hidden", name: c.name } });
      });
    } else if (ex.cookies) {
      lines.push({ text: w("no_cookie"), cls: "muted", data: { kind: "no-cookie" } });
    }
    if (ex.authorization)
      lines.push({ text: "Authorization: " + ex.authorization, cls: "mono",
                   data: { kind: "authorization" } });
    r.push({ from: 0, to: 1, cls: "req", lines: lines });
    r.push({ from: 1, to: 2, cls: "req", lines: [{ text: w("forward"), cls: "muted" }] });

    if (ex.ops) {
      ex.ops.forEach(function (op) {
        r.push({ from: 2, to: 3, cls: "op", both: true, inline: true, lines: [{
          text: op.op + " ·\u00a0" + fmtUs(op.us), cls: "mono",
          data: { kind: "op", store: op.store, op: op.op } }] });
      });
      if (!ex.ops.length)
        r.push({ at: 2, lines: [{ text: w("no_ops"), cls: "muted", data: { kind: "no-ops" } }] });
      if (ex.ops_dropped)
        r.push({ at: 2, lines: [{ text: w("more_ops", ex.ops_dropped), cls: "muted" }] });
    }

    lines = [{ text: "HTTP " + status, cls: "strong" }];
    if (typeof ex.program_us === "number")
      lines.push({ text: w("t_program") + " " + fmtUs(ex.program_us) +
                   (typeof ex.store_us === "number" ?
                    " · " + w("t_store") + " " + fmtUs(ex.store_us) : ""),
                   cls: "time", data: { kind: "time-server" } });
    r.push({ from: 2, to: 1, cls: resCls, lines: lines });

    lines = [{ text: "HTTP " + status + (ex.location ? " → " + ex.location : ""),
               cls: "strong", data: { kind: "status", status: String(status) } }];
    (ex.set_cookies || []).forEach(function (sc) {
      lines.push({ text: "Set-Cookie: " + sc.name + "=" + sc.value, cls: "mono",
                   data: { kind: "set-cookie", name: sc.name } });
      if (sc.attrs && sc.attrs.length)
        lines.push({ text: sc.attrs.join("; "), cls: "mono attrs",
                     data: { kind: "set-cookie-attrs", name: sc.name } });
      if (sc.httponly)
        lines.push({ text: "↳ " + w("hidden"), cls: "hidden",
                     data: { kind: "hidden", name: sc.name } });
    });
    if (ex.set_cookie_hidden)
      lines.push({ text: w("fetch_hidden"), cls: "note",
                   data: { kind: "set-cookie-hidden" } });
    if (typeof browserMs === "number" && browserMs >= 0) {
      var t = w("t_total") + " " + fmtUs(browserMs * 1000);
      if (typeof ex.program_us === "number")
        t += " · " + w("t_network") + " " +
          fmtUs(Math.max(browserMs * 1000 - ex.program_us, 0));
      lines.push({ text: t, cls: "time", data: { kind: "time-browser" } });
    }
    r.push({ from: 1, to: 0, cls: resCls, lines: lines });
    if (!last && status >= 300 && status < 400)
      r.push({ at: 0, lines: [{ text: "↓ " + w("redirect"), cls: "muted",
                                data: { kind: "redirect" } }] });
    else if (!last)
      r.push({ at: 0, lines: [{ text: "↓", cls: "muted" }] });
    for (i = 0; i < r.length; i++) r[i].hop = ex;
    return r;
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  // The names of cookies document.cookie does not show (HttpOnly ones
  // the server received reach it but are hidden from script).
  function hiddenFromScript() {
    var seen = {};
    document.cookie.split(";").forEach(function (pair) {
      var eq = pair.indexOf("=");
      var name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      if (name) seen[name] = true;
    });
    return function (name) { return seen[name] !== true; };
  }

  function render(box, exchanges, opts) {
    var W = Math.max(box.clientWidth || 0, 300);
    var narrow = W < 560;
    var fs = narrow ? 14 : Math.min(20, Math.max(15, Math.round(W / 58)));
    var lh = Math.round(fs * 1.4);
    var style = getComputedStyle(box);
    var sans = style.fontFamily || "sans-serif";
    var mono = style.getPropertyValue("--mono").trim() || "monospace";
    var pad = 6;
    var hw = Math.min((W - 2 * pad) / 8, 90);
    var lanes = [0, 1, 2, 3].map(function (i) {
      return pad + hw + i * (W - 2 * pad - 2 * hw) / 3;
    });
    var hidden = opts.hidden || function () { return false; };
    var all = [];
    exchanges.forEach(function (ex, i) {
      var last = i === exchanges.length - 1;
      all = all.concat(rows(ex, hidden, last, typeof ex.browser_ms === "number" ?
                            ex.browser_ms : last ? opts.browserMs : undefined));
    });

    var svg = el("svg", { "class": "seq-svg", xmlns: NS, width: W,
                          role: "img", "aria-label": w("figure") });
    var gLife = el("g", { "class": "seq-lives" }, svg);
    var gBody = el("g", {}, svg);

    // Lane heads: boxes with the lane's name, wrapped to two lines.
    var names = [w("browser"), w("lighttpd"), w("program"), w("store")];
    // The heads' type: as large as lets every word fit its box.
    var headFs = narrow ? fs - 2 : fs, headFont;
    var widest = function (f) {
      return Math.max.apply(null, names.join(" ").split(" ").map(function (x) {
        return measure(x, f);
      }));
    };
    while (headFs > 10 && widest("bold " + headFs + "px " + sans) > 2 * hw - 12) headFs--;
    headFont = "bold " + headFs + "px " + sans;
    var headLines = names.map(function (n) { return wrap(n, headFont, 2 * hw - 12); });
    var headH = Math.max.apply(null, headLines.map(function (l) { return l.length; })) * lh + 10;
    names.forEach(function (n, i) {
      var g = el("g", { "class": "seq-head", "data-lane": String(i) }, svg);
      el("rect", { x: lanes[i] - hw + 3, y: 2, width: 2 * hw - 6, height: headH,
                   rx: 6 }, g);
      var t = el("text", { x: lanes[i], y: 2 + 5 + fs, "text-anchor": "middle",
                           "class": "seq-head-text" }, g);
      t.style.fontSize = headFs + "px";
      headLines[i].forEach(function (s, k) {
        var sp = el("tspan", { x: lanes[i], dy: k ? lh : 0 }, t);
        sp.textContent = s;
      });
    });

    var y = headH + 12;
    all.forEach(function (row, ri) {
      var g = el("g", { "class": "seq-row seq-" + (row.cls || "note") }, gBody);
      var anchorStart, x, max, y0 = y;
      var monoFont = Math.round(fs * 0.92) + "px " + mono;
      // A store operation: its label left of the program's lane, the
      // arrow beside it, so each takes one line; when it does not fit
      // there (a phone), above its arrow like any other label.
      if (row.inline && measure(row.lines[0].text, monoFont) >
          lanes[row.from] - 8 - pad - 4)
        row.inline = false;
      if (row.inline) {
        anchorStart = false;
        x = lanes[row.from] - 8;
      } else if (row.at !== undefined) {
        anchorStart = row.at < 3;
        x = row.at < 3 ? lanes[row.at] + 6 : lanes[row.at] - 6;
      } else {
        var lo = Math.min(row.from, row.to), hi = Math.max(row.from, row.to);
        anchorStart = hi < 3;
        x = anchorStart ? lanes[lo] + 6 : lanes[hi] - 6;
      }
      max = anchorStart ? W - pad - x : x - pad;
      row.lines.forEach(function (line) {
        var size = /mono/.test(line.cls) ? Math.round(fs * 0.92) : fs;
        var font = (/mono/.test(line.cls) ? size + "px " + mono :
                    (/strong|hidden/.test(line.cls) ? "bold " : "") + size + "px " + sans);
        // The halo (stroke) takes 2 px on each side of the text.
        var pieces = wrap(line.text, font, max - 4);
        var t = el("text", { x: x, y: y + fs, "text-anchor": anchorStart ? "start" : "end",
                             "class": "seq-t " + (line.cls || "") }, g);
        t.style.fontSize = size + "px";
        Object.keys(line.data || {}).forEach(function (k) {
          t.setAttribute("data-" + k, line.data[k]);
        });
        pieces.forEach(function (p, k) {
          var sp = el("tspan", { x: x, dy: k ? lh : 0 }, t);
          sp.textContent = p;
        });
        y += pieces.length * lh;
      });
      if (row.at === undefined) {
        var x1 = lanes[row.from], x2 = lanes[row.to], dir = x2 > x1 ? 1 : -1;
        var ay = row.inline ? y0 + Math.round(fs * 0.65) : y + 6;
        el("line", { x1: x1 + dir * 2, y1: ay, x2: x2 - dir * 8, y2: ay,
                     "class": "seq-arrow" }, g);
        el("path", { d: "M" + (x2 - dir * 2) + " " + ay + " l" + (-dir * 10) + " -5 v10 z",
                     "class": "seq-head-arrow" }, g);
        if (row.both)
          el("path", { d: "M" + (x1 + dir * 2) + " " + ay + " l" + (dir * 10) + " -5 v10 z",
                       "class": "seq-head-arrow" }, g);
        y = row.inline ? Math.max(y, ay + 8) + 4 : ay + 12;
      } else {
        y += 6;
      }
      if (ri < all.length - 1 && all[ri + 1].hop !== row.hop) {
        el("line", { x1: pad, y1: y + 2, x2: W - pad, y2: y + 2, "class": "seq-sep" }, g);
        y += 10;
      }
    });
    var H = y + 8;
    lanes.forEach(function (x) {
      el("line", { x1: x, y1: headH + 2, x2: x, y2: H - 4, "class": "seq-life" }, gLife);
    });
    svg.setAttribute("height", H);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.style.fontSize = fs + "px";
    box.textContent = "";
    box.appendChild(svg);
    return svg;
  }

  // Seq.draw(element, exchanges[, opts]): draw the exchanges (oldest
  // first) as one sequence into element, replacing what it held, and
  // again whenever the window is resized. opts: hidden (name -> true for
  // a cookie hidden from script), browserMs (the last exchange's round
  // trip as the browser measured it). Returns the <svg>.
  function draw(box, exchanges, opts) {
    opts = opts || {};
    var entry = null;
    drawn.forEach(function (d) { if (d.el === box) entry = d; });
    if (!entry) drawn.push(entry = { el: box });
    entry.exchanges = exchanges;
    entry.opts = opts;
    return render(box, exchanges, opts);
  }

  // The page's own exchange, with the chain that led to it; the browser's
  // own total from the Navigation Timing API.
  function drawPage() {
    var d = pageData(), fig = document.getElementById("seq"),
        box = document.getElementById("seq-draw");
    if (!d || !fig || !box) return;
    var nav = performance.getEntriesByType &&
      performance.getEntriesByType("navigation")[0];
    var ms = nav && nav.responseEnd > 0 && nav.requestStart > 0 ?
      nav.responseEnd - nav.requestStart : undefined;
    fig.hidden = false;
    draw(box, (d.hops || []).concat([d]),
         { hidden: hiddenFromScript(), browserMs: ms });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      drawn.forEach(function (d) { render(d.el, d.exchanges, d.opts); });
    }, 150);
  });

  // Seq.fetchExchange: what a script knows of one fetch it made: method,
  // path, status, the bearer token it sent (shown cut short), its own
  // measure of the round trip in ms, and the answer's headers (may be
  // absent), whose Server-Timing (set by src/site/site.c: app;dur=...
  // and store;dur=... in ms, and for an answer without a page each store
  // operation, sqlite|redis;dur=...;desc="...") gives the server's times
  // and the store lane. The browser
  // attached the cookies and read any Set-Cookie itself: a script sees
  // neither, and says so.
  function fetchExchange(method, path, status, token, ms, headers) {
    var ex = { fetch: true, method: method, path: path, status: status,
               authorization: token ? "Bearer " + token.slice(0, 8) + "…" : null,
               cookies_hidden: true, set_cookie_hidden: true, browser_ms: ms };
    var st = (headers && headers.get("Server-Timing")) || "", m, p;
    var metric = /\s*([\w-]+)((?:\s*;\s*[\w-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^,;"]*))*)\s*(?:,|$)/g;
    var param = /;\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,;"]*)/g;
    while ((m = metric.exec(st)) && m[0]) {
      var f = {};
      param.lastIndex = 0;
      while ((p = param.exec(m[2])))
        f[p[1]] = p[2].charAt(0) === '"' ?
          p[2].slice(1, -1).replace(/\\(.)/g, "$1") : p[2];
      var us = parseFloat(f.dur) * 1000;
      if (m[1] === "app") ex.program_us = us;
      else if (m[1] === "store") ex.store_us = us;
      else if (m[1] === "sqlite" || m[1] === "redis")
        (ex.ops = ex.ops || []).push({ store: m[1], op: f.desc || "?", us: us });
    }
    return ex;
  }

  // Seq.chain(element): a sequence that grows: add(exchange) appends one
  // and draws them all into element (shown if it was hidden).
  function chain(box) {
    var list = [];
    return { add: function (ex) {
      list.push(ex);
      box.hidden = false;
      draw(box, list);
    } };
  }

  window.Seq = { draw: draw, words: words, hiddenFromScript: hiddenFromScript,
                 fetchExchange: fetchExchange, chain: chain };
  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", drawPage);
  else
    drawPage();
})();
