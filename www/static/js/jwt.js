/*
 * jwt.js - the token page (S-J3..S-J7, and the S-J10 store panel). The
 * access token lives in the variable `access` of this closure: never in
 * localStorage, sessionStorage or a cookie. The refresh token is an HttpOnly cookie this script cannot
 * see; the browser sends it to /api/auth only.
 *
 * Time: the server's clock may run ahead of this computer's (the demo
 * clock). The page carries the server's now (data-now) and its time zone
 * (data-tz, data-tz-offset), and every token's iat is the server's clock
 * when it was signed. The countdown and every time shown use those, never
 * this computer's clock or zone, in the one format the server uses
 * ("2026-12-02 09:05:31 KST").
 *
 * The request log is a table: one group of rows per thing that happened
 * (a button, the page opening), one row per request in the order they
 * were made (401 → refresh → retry), the raw answer in a <details>.
 * What a token reason or an event means comes from the page's hidden
 * #jwt-words list, which the server fills from the string table.
 */
(function () {
  'use strict';
  var app = document.getElementById('jwt-app');
  if (!app) return;

  var access = null;        // the access token: page memory only
  var refreshing = null;    // the one refresh in flight (never two)
  var refreshError = '';    // why the last refresh was refused
  var ticker = null;
  var lang = document.documentElement.lang;
  var MAX_ACTIONS = 12;     // groups kept in the log
  var tz = app.getAttribute('data-tz') || 'UTC';
  var tzOffset = parseInt(app.getAttribute('data-tz-offset'), 10) || 0;
  // Seconds the server's clock runs ahead of this computer's.
  var skew = parseInt(app.getAttribute('data-now'), 10) - Date.now() / 1000;
  if (isNaN(skew)) skew = 0;

  var words = {};
  Array.prototype.forEach.call(document.querySelectorAll('#jwt-words [data-w]'),
    function (el) { words[el.getAttribute('data-w')] = el.textContent.trim(); });

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return siteLang.t(ko, en); }
  function word(group, w) { return words[group + ':' + w] || ''; }
  function serverNow() { return Date.now() / 1000 + skew; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /* Unix seconds as the server's wire_format_time writes them. */
  function fmtTime(s) {
    if (!s) return '—';
    var d = new Date((s + tzOffset) * 1000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' +
      pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':' +
      pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' ' + tz;
  }

  function seconds(n) { return t(n + '초', n + ' s'); }

  function b64urlText(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  function pretty(s) {
    try { return JSON.stringify(JSON.parse(s), null, 2); } catch (e) { return s; }
  }

  function payload() {
    try { return JSON.parse(b64urlText(access.split('.')[1])); } catch (e) { return {}; }
  }

  /* A new access token. Its iat is the server's clock when it was
   * signed, a moment ago: the clock this page counts with from now on. */
  function setAccess(tok) {
    access = tok;
    var p = payload();
    if (typeof p.iat === 'number') skew = p.iat - Date.now() / 1000;
  }

  function status(state, text) {
    var s = $('jwt-status');
    s.setAttribute('data-state', state);
    s.textContent = text;
  }

  /* A code value, then what it means (from the string table). */
  function explained(parent, code, meaning) {
    parent.appendChild(el('code', '', code));
    if (meaning) parent.appendChild(document.createTextNode(' — ' + meaning));
  }

  /* ---- the request log ----------------------------------------------- */

  /* A new group of rows for one thing that happened. */
  function action(label) {
    var table = $('jwt-log');
    var tb = el('tbody', 'jwt-action');
    var tr = el('tr', 'action-h');
    var th = el('th', '', label);
    th.colSpan = 5;
    th.scope = 'colgroup';
    tr.appendChild(th);
    tb.appendChild(tr);
    table.appendChild(tb);
    table.hidden = false;
    while (table.tBodies.length > MAX_ACTIONS) table.removeChild(table.tBodies[0]);
    return { body: tb, n: 0, seq: seqChain() };
  }

  /* The sequence diagram of the last action's fetches (issue 14), above
   * the log: 401 -> refresh -> retry draws as one sequence. */
  function seqChain() {
    if (!window.Seq) return null;
    var box = $('jwt-seq');
    if (!box) {
      box = el('div', 'seq-draw seq-inpage');
      box.id = 'jwt-seq';
      var wrap = $('jwt-log').parentNode;
      wrap.parentNode.insertBefore(box, wrap);
    }
    return window.Seq.chain(box);
  }

  /* A row of the group that is not a request. */
  function note(act, text) {
    var tr = el('tr', 'note');
    var td = el('td', '', text);
    td.colSpan = 5;
    tr.appendChild(td);
    act.body.appendChild(tr);
  }

  /* What one answer means, in the page language. */
  function meaning(cell, path, r, retry) {
    var d = r.data || {};
    var desc = d.error_description;
    if (retry) cell.appendChild(document.createTextNode(
      t('새 토큰으로 다시 보냈습니다. ', 'Sent again with the new token. ')));
    if (path === '/api/auth/login') {
      cell.appendChild(document.createTextNode(r.status === 200 ?
        t('로그인했습니다. 본문에는 액세스 토큰이, Set-Cookie에는 리프레시 토큰이 왔습니다.',
          'Logged in: the access token came in the body, the refresh token in Set-Cookie.') :
        t('로그인하지 못했습니다.', 'The login failed.')));
    } else if (path === '/api/auth/refresh') {
      if (r.status === 200) {
        cell.appendChild(document.createTextNode(
          t('새 액세스 토큰과 새 리프레시 토큰을 받았습니다(토큰 회전).',
            'A new access token and a new refresh token (token rotation).')));
      } else if (desc) {
        explained(cell, desc, word('outcome', desc));
      } else {
        cell.appendChild(document.createTextNode(
          t('리프레시 쿠키가 없습니다. 이 브라우저에서 로그인한 적이 없거나 로그아웃했습니다.',
            'No refresh cookie: this browser never logged in, or logged out.')));
      }
    } else if (path === '/api/auth/logout' && r.status === 200) {
      cell.appendChild(document.createTextNode(
        t('로그아웃했습니다. ', 'Logged out. ') +
        (d.family_revoked ? t('이 기기의 리프레시 토큰 패밀리를 폐기했고, ', "This device's refresh-token family is revoked, ") : '') +
        (d.access_token_blacklisted ? t('액세스 토큰의 jti를 exp까지 블랙리스트에 올렸습니다.', "the access token's jti is on the blacklist until its exp.") :
         t('블랙리스트에 올릴 액세스 토큰은 없었습니다.', 'there was no access token to blacklist.'))));
    } else if (path === '/api/auth/logout-all' && r.status === 200) {
      cell.appendChild(document.createTextNode(
        t('모든 곳에서 로그아웃했습니다. 세션 ' + d.sessions_ended + '개와 리프레시 토큰 패밀리 ' +
          d.families_revoked + '개를 끝냈고, 토큰 버전을 올렸습니다.',
          'Logged out everywhere: ' + d.sessions_ended + ' sessions and ' + d.families_revoked +
          ' refresh-token families ended, and the token version moved on.')));
    } else if (r.status === 401 && desc) {
      explained(cell, desc, word('reason', desc));
    } else if (r.status >= 200 && r.status < 300) {
      cell.appendChild(document.createTextNode(
        t('통과했습니다. API가 토큰을 받아들였습니다.', 'Passed: the API accepted the token.')));
    } else {
      cell.appendChild(document.createTextNode(
        t('API가 요청을 거절했습니다.', 'The API refused the request.')));
    }
  }

  /* One request, logged as the next row of act. */
  function call(act, method, path, body, token, retry) {
    var h = {};
    var opts = { method: method, headers: h, credentials: 'same-origin' };
    if (token) h.Authorization = 'Bearer ' + token;
    if (method === 'POST') {
      h['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
    var t0 = performance.now();
    return fetch(path, opts).then(function (r) {
      return r.text().then(function (text) {
        var data = null, www = r.headers.get('WWW-Authenticate');
        if (act.seq) act.seq.add(window.Seq.fetchExchange(method, path, r.status, token,
                                                          performance.now() - t0, r.headers));
        try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
        var res = { status: r.status, data: data };
        act.n++;
        var tr = el('tr', 'jwt-step');
        tr.setAttribute('data-step', String(act.n));
        tr.setAttribute('data-method', method);
        tr.setAttribute('data-path', path);
        tr.setAttribute('data-status', String(r.status));
        if (retry) tr.setAttribute('data-retry', '1');
        tr.appendChild(el('td', 'num', String(act.n)));
        var req = el('td');
        req.appendChild(el('code', '', method + ' ' + path));
        tr.appendChild(req);
        tr.appendChild(el('td', 'tok', token ? 'Bearer ' + token.slice(0, 12) + '…' :
          path === '/api/auth/login' ? t('비밀번호(JSON 본문)', 'password (JSON body)') :
          path.indexOf('/api/auth/') === 0 ? t('리프레시 쿠키(있으면)', 'refresh cookie (if any)') : '—'));
        tr.appendChild(el('td', 'st ' + (r.status < 400 ? 'ok' : 'bad'), String(r.status)));
        var m = el('td', 'meaning');
        meaning(m, path, res, retry);
        var det = el('details');
        det.appendChild(el('summary', '', t('원문 보기', 'Raw answer')));
        det.appendChild(el('pre', 'raw', method + ' ' + path +
          (token ? '\nAuthorization: Bearer ' + token.slice(0, 16) + '…' : '') +
          '\n\nHTTP ' + r.status + (www ? '\nWWW-Authenticate: ' + www : '') +
          '\n\n' + (data ? JSON.stringify(data, null, 2) : text.trim()).slice(0, 1200)));
        m.appendChild(det);
        tr.appendChild(m);
        act.body.appendChild(tr);
        return res;
      });
    });
  }

  /* ---- the token -------------------------------------------------------- */

  function tick() {
    if (!access) return;
    var p = payload();
    var left = Math.floor(p.exp - serverNow());
    var c = $('jwt-countdown');
    c.setAttribute('data-left', String(left));
    c.textContent = left > 0 ? seconds(left) :
      t('만료되었습니다. 다음 API 호출은 401을 받고, 이 페이지가 조용히 리프레시합니다.',
        'Expired. The next API call gets a 401, and this page refreshes silently.');
  }

  function colored(token) {
    var box = $('jwt-raw');
    var parts = token.split('.');
    box.textContent = '';
    ['tok-h', 'tok-p', 'tok-s'].forEach(function (cls, i) {
      if (i) box.appendChild(document.createTextNode('.'));
      box.appendChild(el('span', cls, parts[i] || ''));
    });
  }

  function show() {
    var on = !!access;
    $('jwt-session').hidden = !on;
    $('jwt-login').hidden = on;
    if (ticker) { clearInterval(ticker); ticker = null; }
    if (!on) return;
    var p = access.split('.'), pl = payload();
    colored(access);
    $('jwt-header').textContent = pretty(b64urlText(p[0]));
    $('jwt-payload').textContent = pretty(b64urlText(p[1]));
    $('jwt-signature').textContent = p[2];
    $('jwt-exp-at').textContent = fmtTime(pl.exp);
    $('jwt-life').textContent = seconds(pl.exp - pl.iat) + t('(iat ', ' (iat ') + fmtTime(pl.iat) + ')';
    tick();
    ticker = setInterval(tick, 1000);
  }

  /* POST /api/auth/refresh, with the last access token for the pair
   * check. Concurrent callers share one request: two refreshes with one
   * token would be a replay and revoke the family. */
  function refresh(act) {
    if (refreshing) {
      note(act, t('다른 요청이 이미 리프레시하고 있어 그 결과를 함께 기다립니다.',
                  'Another request is already refreshing: waiting for its result.'));
      return refreshing;
    }
    refreshing = call(act, 'POST', '/api/auth/refresh',
                      access ? { access_token: access } : {}, null)
      .then(function (r) {
        refreshing = null;
        if (r.status === 200 && r.data && r.data.access_token) {
          setAccess(r.data.access_token);
          show();
          return true;
        }
        access = null;
        show();
        refreshError = (r.data && r.data.error_description) || '';
        if (refreshError)
          status('out', t('리프레시가 거부되었습니다(' + refreshError + '). ',
                          'The refresh was refused (' + refreshError + '): ') +
                 word('outcome', refreshError) + ' ' +
                 t('다시 로그인하세요.', 'Log in again.'));
        return false;
      }, function () { refreshing = null; return false; });
    return refreshing;
  }

  /* An API call; on 401, refresh silently and retry once (S-J4). */
  function api(act, method, path, body) {
    return call(act, method, path, body, access).then(function (r) {
      if (r.status !== 401) return r;
      return refresh(act).then(function (ok) {
        return ok ? call(act, method, path, body, access, true) : r;
      });
    });
  }

  function loggedIn(how) {
    status('in', how);
    show();
    loadNotes();
    loadDevices();
  }

  function loadNotes() {
    api(action(t('내 메모 불러오기', 'Loading my notes')), 'GET', '/api/notes').then(function (r) {
      var ul = $('jwt-notes');
      ul.textContent = '';
      ((r.data && r.data.notes) || []).forEach(function (n) {
        ul.appendChild(el('li', '', n.text));
      });
    });
  }

  /* A kind of event or a revoke reason: its name, and what it means. */
  function eventCell(td, kind) {
    td.appendChild(el('code', '', kind));
    var m = word('event', kind);
    if (m) td.lastChild.title = m;
  }

  /* The devices table, as the next step of act or in a group of its own. */
  function loadDevices(act) {
    act = act || action(t('내 기기 목록 불러오기', 'Loading my devices'));
    api(act, 'GET', '/api/auth/families').then(function (r) {
      var tb = $('jwt-devices').tBodies[0];
      tb.textContent = '';
      ((r.data && r.data.families) || []).forEach(function (f) {
        var tr = el('tr');
        tr.setAttribute('data-family', String(f.id));
        tr.appendChild(el('td', '', '#' + f.id + (f.current ? t('(이 기기)', ' (this device)') : '')));
        tr.appendChild(el('td', '', f.alg + (f.bound ? t(' · 쌍 묶기', ' · pair-bound') : '')));
        tr.appendChild(el('td', 'when', fmtTime(f.created)));
        tr.appendChild(el('td', 'when', fmtTime(f.last_used)));
        var st = el('td', f.revoked_at ? 'state revoked' : 'state live');
        if (f.revoked_at) {
          st.appendChild(document.createTextNode(t('폐기됨', 'revoked') + ' ' + fmtTime(f.revoked_at) + ' · '));
          explained(st, f.revoked_reason, word('event', f.revoked_reason));
        } else {
          st.textContent = t('살아 있음', 'live');
        }
        tr.appendChild(st);
        var ev = el('td', 'events');
        (f.events || []).forEach(function (e, i) {
          if (i) ev.appendChild(document.createTextNode(' '));
          eventCell(ev, e.kind);
        });
        tr.appendChild(ev);
        var td = el('td');
        if (!f.revoked_at) {
          var b = el('button', '', t('폐기하기', 'Revoke'));
          b.type = 'button';
          b.addEventListener('click', function () {
            var a = action(t('기기 #' + f.id + ' 폐기', 'Revoking device #' + f.id));
            api(a, 'POST', '/api/auth/families/revoke', { id: f.id }).then(function () { loadDevices(a); });
          });
          td.appendChild(b);
        }
        tr.appendChild(td);
        tb.appendChild(tr);
      });
      var acc = r.data && r.data.account;
      $('jwt-token-version').textContent = acc ? String(acc.token_version) : '—';
      var cut = $('jwt-token-cut');
      cut.textContent = '';
      if (acc && acc.tokens_cut_at) {
        cut.appendChild(document.createTextNode(fmtTime(acc.tokens_cut_at) + ' · '));
        explained(cut, acc.tokens_cut_reason, word('event', acc.tokens_cut_reason));
      } else {
        cut.textContent = acc ? t('아직 없습니다', 'never') : '—';
      }
      loadStore();
    });
  }

  /* ---- where the refresh tokens live (S-J10) --------------------------- */

  var storeData = null;     // the last answer of GET /api/auth/store
  var storeRead = 0;        // when it came (this computer's clock, ms)
  var storeTicker = null;
  var loggedOutJti = null;  // the access token logged out last: its
                            // blacklist entry is shown
  var ROLE = {
    token: ['리프레시 토큰(해시)', 'refresh token (its hash)'],
    family: ['패밀리(기기 하나)', 'family (one device)'],
    events: ['패밀리의 기록', "the family's events"],
    index: ['사용자별 패밀리 목록', "the user's families"],
    blacklist: ['블랙리스트 항목', 'blacklist entry']
  };

  function record(role) {
    var recs = (storeData && storeData.records) || [];
    for (var i = 0; i < recs.length; i++) if (recs[i].role === role) return recs[i];
    return null;
  }

  /* A stored value as lines of text: a hash or row field = value, a
   * list one item a line, a sorted set member (score). */
  function valueText(rec) {
    var v = rec.value;
    if (rec.type === 'string') return String(v);
    if (rec.type === 'zset') return v.map(function (p) { return p[0] + '  (score ' + p[1] + ')'; }).join('\n');
    if (Array.isArray(v)) return v.map(function (x) {
      return typeof x === 'string' ? x : Object.keys(x).map(function (k) { return k + '=' + x[k]; }).join(' ');
    }).join('\n');
    return Object.keys(v).map(function (k) { return k + ' = ' + (v[k] === null ? 'NULL' : v[k]); }).join('\n');
  }

  function ttlLeft(rec) {
    if (typeof rec.ttl !== 'number' || rec.ttl < 0) return rec.ttl;
    return Math.max(rec.ttl - Math.floor((Date.now() - storeRead) / 1000), 0);
  }

  /* Every TTL of the panel counts down from the answer's figure. */
  function tickStore() {
    Array.prototype.forEach.call(document.querySelectorAll('#jwt-store [data-ttl]'),
      function (e) {
        var left = ttlLeft({ ttl: parseInt(e.getAttribute('data-ttl'), 10) });
        e.textContent = String(left);
        e.classList.toggle('passed', left === 0);
      });
  }

  /* The command that shows rec in its store. */
  function cliFor(rec) {
    var cli = storeData.cli;
    if (storeData.store !== 'redis') return cli + ' "SELECT * FROM ' + rec.key + '"';
    var verb = { hash: 'HGETALL ', list: 'LRANGE ', zset: 'ZREVRANGE ', string: 'GET ' }[rec.type] || 'TYPE ';
    var tail = rec.type === 'list' ? ' 0 -1' : rec.type === 'zset' ? ' 0 -1 WITHSCORES' : '';
    return cli + ' ' + verb + rec.key + tail + '\n' + cli + ' TTL ' + rec.key;
  }

  function evidence(reason, parts) {
    var td = document.querySelector('#jwt-store-why [data-reason=' + reason + '] .evidence');
    td.textContent = '';
    parts.forEach(function (p) {
      if (typeof p === 'string') td.appendChild(document.createTextNode(p));
      else td.appendChild(p);
    });
  }

  function renderStore() {
    var d = storeData, redis = d.store === 'redis';
    var tb = $('jwt-store-keys').tBodies[0];
    tb.textContent = '';
    d.records.forEach(function (rec) {
      var tr = el('tr');
      tr.setAttribute('data-role', rec.role);
      tr.setAttribute('data-key', rec.key);
      tr.appendChild(el('td', '', t(ROLE[rec.role][0], ROLE[rec.role][1])));
      var k = el('td');
      k.appendChild(el('code', 'val', rec.key));
      tr.appendChild(k);
      var ttl = el('td', 'num ttl', rec.ttl === null ? '—' : String(rec.ttl));
      if (typeof rec.ttl === 'number') ttl.setAttribute('data-ttl', String(rec.ttl));
      else ttl.title = t('TTL이 없습니다. 무언가 지울 때까지 남습니다.', 'No TTL: it stays until something deletes it.');
      tr.appendChild(ttl);
      var v = el('td');
      v.appendChild(el('pre', 'raw', valueText(rec)));
      tr.appendChild(v);
      tb.appendChild(tr);
    });
    if (!d.records.length) {
      var tr = el('tr', 'empty'), td = el('td', '', t('아직 아무 기록도 없습니다. 로그인하면 키가 생깁니다.', 'Nothing stored yet: log in and the keys appear.'));
      td.colSpan = 4;
      tr.appendChild(td);
      tb.appendChild(tr);
    }

    var fam = record('family'), tok = record('token'), idx = record('index'), bl = record('blacklist');
    if (!redis) {
      evidence('ttl', [t('SQLite에는 TTL이 없습니다. ', 'SQLite has no TTL: ') + (tok ?
        t('refresh_tokens 행의 expires 열(' + fmtTime(tok.value.expires) + ')을 적어 두고, ', 'the refresh_tokens row carries an expires column (' + fmtTime(tok.value.expires) + '), and ') : '') +
        t('로그인할 때마다 정리 작업(refresh_purge)이 지난 행을 지웁니다. 패밀리 행은 아무도 지우지 않습니다.', 'a purge at each login (refresh_purge) deletes the rows past it. Nothing deletes a family row.')]);
    } else if (fam) {
      var left = el('strong', '', String(ttlLeft(fam)));
      left.setAttribute('data-ttl', String(fam.ttl));
      evidence('ttl', [el('code', '', fam.key), t('의 TTL: ', ' has a TTL of '), left,
        t('초. 0이 되면 Redis가 이 키와 토큰의 키를 스스로 지웁니다. 정리 작업이 없습니다.', ' s. At 0 Redis deletes it, and the token keys, by itself: there is no purge job.')]);
    } else {
      evidence('ttl', [t('로그인하면 TTL이 붙은 키가 생깁니다. 키마다 TTL이 있습니다.', 'Log in and the keys appear, every one with a TTL.')]);
    }
    var us = Math.round(d.read_us);
    var costs = el('a', '', '/lab/costs');
    costs.href = '/lab/costs';
    evidence('speed', [redis ?
      t('이 표의 키(' + d.records.length + '개)를 읽는 데 ' + us + 'µs 걸렸습니다. Redis에 한 번 다녀온 것(스크립트 하나, EVALSHA)입니다. 조회 한 번의 비용은 ',
        'Reading this table\'s keys (' + d.records.length + ') took ' + us + ' µs: one round trip to Redis (one script, EVALSHA). The cost of one lookup is measured on ') :
      t('이 표의 행(' + d.records.length + '개)을 읽는 데 ' + us + 'µs 걸렸습니다(이 기계의 SQLite 파일에 SELECT 여러 번). 조회 한 번의 비용은 ',
        'Reading this table\'s rows (' + d.records.length + ') took ' + us + ' µs (several SELECTs on this machine\'s SQLite file). The cost of one lookup is measured on '),
      costs, t('에서 잽니다.', '.')]);
    evidence('devices', idx ? [el('code', '', idx.key), redis ?
      t('(정렬 집합)에 이 사용자의 패밀리가 최신순으로 있습니다(' + idx.size + '개). 위의 ‘내 기기’ 표, 기기 하나 폐기, 모든 곳에서 로그아웃이 이 목록을 씁니다.',
        ' (a sorted set) holds this user\'s families, newest first (' + idx.size + '): the “My devices” table above, revoking one device and logging out everywhere all use it.') :
      t(': user_id 색인(refresh_families_user)으로 이 사용자의 패밀리를 찾습니다(' + idx.size + '개).', ': the user_id index (refresh_families_user) finds this user\'s families (' + idx.size + ').')] :
      [t('로그인하면 사용자별 목록이 생깁니다.', 'Log in and the per-user list appears.')]);
    if (bl) {
      var bleft = el('strong', '', String(bl.ttl));
      if (typeof bl.ttl === 'number') bleft.setAttribute('data-ttl', String(bl.ttl));
      evidence('blacklist', [el('code', '', bl.key), redis ?
        t(': 로그아웃한 액세스 토큰의 jti입니다. TTL ', ': the jti of the access token you logged out. TTL ') :
        t(': 로그아웃한 액세스 토큰의 jti입니다. 남은 시간 ', ': the jti of the access token you logged out. Time left '), bleft,
        t('초 = exp + 10초(검증 허용 오차) − 지금. 토큰이 어차피 거부될 때 항목도 사라집니다.', ' s = exp + 10 s (the verifier\'s leeway) − now: the entry goes when the token would be refused anyway.')]);
    } else {
      evidence('blacklist', [access ?
        t('지금 토큰의 jti는 블랙리스트에 없습니다. ‘로그아웃’을 누르면 그 jti가 여기 나타납니다.', 'The current token\'s jti is not on the blacklist. Press “log out” and it appears here.') :
        t('로그인한 뒤 로그아웃하면 그 액세스 토큰의 jti가 여기 나타납니다.', 'Log in, then log out: that access token\'s jti appears here.')]);
    }
    var scale = el('a', '', '/lab/scale');
    scale.href = '/lab/scale';
    evidence('shared', !redis ?
      [t('파일 하나가 디스크 하나에 있습니다. 이 기계의 프로그램만 열 수 있고, 여러 기계라면 데이터베이스 서버나 Redis가 필요합니다.', 'One file on one disk: only programs on this machine can open it; several machines need a database server or Redis.')] :
      d.node ? [t('이 키들을 노드 ' + d.node + '가 읽었습니다. 다른 노드도 같은 Redis에서 같은 키를 읽습니다. 다시 읽어 보면 다른 노드가 답할 수 있습니다(', 'Node ' + d.node + ' read these keys; the other node reads the same keys from the same Redis. Read again and the other node may answer ('), scale, ').'] :
      [t('이 사이트는 지금 노드 하나로 돕니다(make run). make cluster로 띄우면 노드 a와 b가 이 Redis를 함께 읽어, 한 노드에서 한 로그인을 다른 노드가 알아봅니다(', 'This site runs as one node now (make run). Under make cluster, nodes a and b read this same Redis, so a login made through one is known to the other ('), scale, ').']);
    evidence('ops', [redis ?
      t('아래 상자의 명령을 이 서버의 셸에 그대로 붙여 넣으면 같은 키가 보입니다. SCAN, HGETALL, TTL, ZREVRANGE, GET이 전부입니다.', 'Paste the commands in the box below into a shell on this server and you see the same keys: SCAN, HGETALL, TTL, ZREVRANGE and GET are all it takes.') :
      t('아래 상자의 SQL을 이 서버의 셸에서 실행하면 같은 행이 보입니다.', 'Run the SQL in the box below from a shell on this server to see the same rows.')]);
    var lines = redis ? [d.cli + " --scan --pattern 'family:*'"] : [];
    d.records.forEach(function (rec) { lines.push(cliFor(rec)); });
    $('jwt-store-cli').textContent = lines.length ? lines.join('\n') : '—';
    if (!storeTicker) storeTicker = setInterval(tickStore, 1000);
    tickStore();
  }

  /* GET /api/auth/store: the refresh cookie's keys and the blacklist
   * entry of the token logged out last (else of the current token); the
   * node that read them is the answer's X-Node header (make cluster). */
  function loadStore() {
    var jti = loggedOutJti || (access ? payload().jti : null);
    return fetch('/api/auth/store' + (jti ? '?jti=' + encodeURIComponent(jti) : ''),
                 { credentials: 'same-origin' })
      .then(function (r) {
        var node = r.headers.get('X-Node');   // under make cluster
        return r.json().then(function (d) { if (d) d.node = node; return d; });
      })
      .then(function (d) {
        if (!d || !d.records) return;
        storeData = d;
        storeRead = Date.now();
        renderStore();
      }, function () { /* the log shows the API's failures */ });
  }

  $('jwt-login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var alg = f.querySelector('input[name=alg]:checked').value;
    var act = action(t('로그인(' + alg + ')', 'Logging in (' + alg + ')'));
    call(act, 'POST', '/api/auth/login', {
      username: f.username.value, password: f.password.value,
      alg: alg, bind: f.bind.checked
    }, null).then(function (r) {
      if (r.status === 200) {
        setAccess(r.data.access_token);
        f.password.value = '';
        loggedIn(t(alg + '로 서명한 토큰으로 로그인했습니다.', 'Logged in with a token signed with ' + alg + '.'));
      } else {
        status('out', t('로그인하지 못했습니다', 'The login failed') + ' (HTTP ' + r.status + ').');
      }
    });
  });

  $('jwt-me').addEventListener('click', function () {
    api(action(t('‘GET /api/me’ 버튼', 'Button: GET /api/me')), 'GET', '/api/me');
  });
  $('jwt-stateless').addEventListener('click', function () {
    api(action(t('‘GET /api/me/stateless’ 버튼', 'Button: GET /api/me/stateless')), 'GET', '/api/me/stateless');
  });
  $('jwt-refresh').addEventListener('click', function () {
    var act = action(t('‘POST /api/auth/refresh’ 버튼', 'Button: POST /api/auth/refresh'));
    refresh(act).then(function (ok) { if (ok) loadDevices(act); });
  });
  $('jwt-forget').addEventListener('click', function () {
    access = null;
    show();
    $('jwt-session').hidden = false;
    $('jwt-login').hidden = true;
    note(action(t('‘메모리의 토큰 버리기’ 버튼', 'Button: drop the token from memory')),
         t('메모리의 액세스 토큰을 버렸습니다. 다음 API 호출은 401 → 리프레시 → 다시 시도 순서로 갑니다.',
           'The access token is gone from memory. The next API call goes 401 → refresh → retry.'));
  });
  $('jwt-note-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = $('jwt-note');
    api(action(t('메모 저장', 'Saving a note')), 'POST', '/api/notes', { text: input.value }).then(function (r) {
      if (r.status === 201) input.value = '';
      loadNotes();
    });
  });

  /* Logout, then show the logged-out token failing on /api/me (blacklist)
   * and still working on /api/me/stateless until its exp (S-J6). */
  function logout(path, label) {
    var old = access;
    var act = action(label);
    call(act, 'POST', path, {}, old).then(function () {
      if (old) loggedOutJti = payload().jti;
      access = null;
      show();
      status('out', t('로그아웃했습니다. 아래 기록을 보세요. 같은 토큰이 /api/me에서는 revoked로 거부되지만, /api/me/stateless에서는 여전히 200입니다.',
                      'Logged out. See the log below: the same token is refused as revoked on /api/me, yet still gets 200 on /api/me/stateless.'));
      if (!old) return null;
      note(act, t('로그아웃 전의 액세스 토큰을 두 API에 다시 보내 봅니다.',
                  'Now the access token from before the logout goes to both APIs again.'));
      return call(act, 'GET', '/api/me', null, old).then(function () {
        return call(act, 'GET', '/api/me/stateless', null, old);
      });
    }).then(loadStore);
  }
  $('jwt-logout').addEventListener('click', function () {
    logout('/api/auth/logout', t('‘로그아웃’ 버튼', 'Button: log out'));
  });
  $('jwt-logout-all').addEventListener('click', function () {
    logout('/api/auth/logout-all', t('‘모든 곳에서 로그아웃’ 버튼', 'Button: log out everywhere'));
  });

  $('jwt-login-button').disabled = false;

  /* Auto-login on load: the refresh cookie, if any, buys a new access
   * token (S-J4). */
  refresh(action(t('페이지 열기(리프레시 쿠키로 자동 로그인 시도)', 'Page opened: trying auto-login with the refresh cookie')))
    .then(function (ok) {
      if (ok)
        loggedIn(t('새로고침한 뒤 리프레시 쿠키로 다시 로그인했습니다(자동 로그인).',
                   'Logged in again from the refresh cookie after the reload (auto-login).'));
      else if (!refreshError)
        status('out', t('로그인하지 않았습니다. 리프레시 쿠키가 없습니다.', 'Not logged in: there is no refresh cookie.'));
      if (!ok) loadStore();
    });
  $('jwt-store-read').addEventListener('click', loadStore);
})();
