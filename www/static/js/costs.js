/*
 * costs.js - the gateway's cost on /lab/costs (S-J11, issue 13 §5). It
 * gets one RS256 access token from the issuer (kept in this closure
 * only), then sends it CALLS times down each path, one call at a time:
 * GET /gw/api/me, verified by HAProxy (the gateway) with the node
 * holding no key, and GET /api/me, verified by the node itself. It shows
 * the median round trip this browser measured for each, how many calls
 * were answered 200 and which nodes answered (X-Node). Without the
 * cluster (make run) the gateway route answers 403 not_from_gateway, and
 * the page says how to start it.
 */
(function () {
  'use strict';
  var form = document.getElementById('costs-gw-form');
  if (!form) return;
  var CALLS = 20;
  var button = document.getElementById('costs-gw-run');
  var statusEl = document.getElementById('costs-gw-status');
  var table = document.getElementById('costs-gw-table');

  function t(ko, en) { return siteLang.t(ko, en); }

  function say(text, state) {
    statusEl.hidden = false;
    statusEl.setAttribute('data-state', state);
    statusEl.textContent = text;
  }

  function median(xs) {
    var s = xs.slice().sort(function (a, b) { return a - b; });
    var m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /* CALLS calls of path with token, one after another: {times, ok,
   * nodes, last}, times in ms of the calls answered 200. */
  function measure(path, token) {
    var out = { times: [], ok: 0, nodes: {}, last: null };
    var n = 0;
    function one() {
      if (n++ === CALLS) return Promise.resolve(out);
      var t0 = performance.now();
      return fetch(path, { headers: { Authorization: 'Bearer ' + token },
                           credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) {
          return r.text().then(function (text) {
            var ms = performance.now() - t0;
            var node = r.headers.get('X-Node');
            if (node) out.nodes[node] = (out.nodes[node] || 0) + 1;
            out.last = { status: r.status, text: text };
            if (r.status === 200) { out.ok++; out.times.push(ms); }
            return one();
          });
        });
    }
    return one();
  }

  function show(rowId, m) {
    var row = document.getElementById(rowId);
    row.querySelector('.median').textContent =
      m.times.length ? median(m.times).toFixed(2) : '—';
    row.querySelector('.calls').textContent = m.ok + ' / ' + CALLS;
    row.querySelector('.nodes').textContent = Object.keys(m.nodes).sort()
      .map(function (k) { return k + ' × ' + m.nodes[k]; }).join(', ') || '—';
    row.setAttribute('data-ok', String(m.ok));
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    button.disabled = true;
    say(t('토큰을 받는 중입니다…', 'Getting a token…'), 'busy');
    fetch('/api/auth/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: form.username.value,
                             password: form.password.value, alg: 'RS256' })
    }).then(function (r) {
      return r.json().then(function (d) {
        if (r.status !== 200 || !d.access_token)
          throw new Error(t('로그인하지 못했습니다', 'The login failed') + ' (HTTP ' + r.status + ')');
        return d.access_token;
      });
    }).then(function (token) {
      say(t('재는 중입니다…', 'Measuring…'), 'busy');
      return measure('/gw/api/me', token).then(function (gw) {
        return measure('/api/me', token).then(function (node) {
          return { gw: gw, node: node };
        });
      });
    }).then(function (m) {
      var noGateway = m.gw.ok === 0 && m.gw.last &&
        m.gw.last.text.indexOf('not_from_gateway') >= 0;
      table.hidden = false;
      show('costs-gw-gateway', m.gw);
      show('costs-gw-node', m.node);
      if (noGateway) {
        say(t('이 사이트 앞에는 게이트웨이가 없습니다(make run). `/gw/api/me`는 게이트웨이가 검증한 요청만 받습니다. make cluster로 띄운 앞단에서 이 페이지를 여세요.',
              'There is no gateway in front of this site (make run): /gw/api/me takes only requests the gateway verified. Open this page on the front of make cluster.'), 'out');
      } else {
        var g = median(m.gw.times), n = median(m.node.times);
        say(t('게이트웨이에서 검증하면 ' + g.toFixed(2) + 'ms, 노드에서 검증하면 ' + n.toFixed(2) + 'ms입니다(중앙값, 각각 ' + CALLS + '번 호출).',
              'Checked at the gateway: ' + g.toFixed(2) + ' ms; checked at the node: ' + n.toFixed(2) + ' ms (medians of ' + CALLS + ' calls each).'), 'in');
      }
    }).catch(function (e) {
      say(String(e.message || e), 'out');
    }).then(function () { button.disabled = false; });
  });
  button.disabled = false;
})();
