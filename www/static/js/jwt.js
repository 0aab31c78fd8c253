/*
 * jwt.js - the token page (S-J4..S-J7). The access token lives in the
 * variable `access` of this closure: never in localStorage, sessionStorage
 * or a cookie. The refresh token is an HttpOnly cookie this script cannot
 * see; the browser sends it to /api/auth only.
 */
(function () {
  'use strict';
  var app = document.getElementById('jwt-app');
  if (!app) return;

  var access = null;        // the access token: page memory only
  var refreshing = null;    // the one refresh in flight (never two)
  var refreshError = '';   // why the last refresh was refused
  var ticker = null;
  var lang = document.documentElement.lang;
  var logLines = [];

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return lang === 'ko' ? ko : en; }

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

  function log(text) {
    logLines.unshift(text);
    logLines = logLines.slice(0, 12);
    $('jwt-log').textContent = logLines.join('\n\n');
  }

  function status(state, text) {
    var s = $('jwt-status');
    s.setAttribute('data-state', state);
    s.textContent = text;
  }

  function tick() {
    if (!access) return;
    var left = payload().exp - Math.floor(Date.now() / 1000);
    $('jwt-countdown').textContent = left > 0 ? left + ' s' :
      t('만료됨: 다음 API 호출이 401을 받고 조용히 리프레시합니다',
        'expired: the next API call gets a 401 and refreshes silently');
  }

  function show() {
    var on = !!access;
    $('jwt-session').hidden = !on;
    $('jwt-login').hidden = on;
    if (ticker) { clearInterval(ticker); ticker = null; }
    if (!on) return;
    var p = access.split('.');
    $('jwt-raw').textContent = access;
    $('jwt-header').textContent = pretty(b64urlText(p[0]));
    $('jwt-payload').textContent = pretty(b64urlText(p[1]));
    $('jwt-signature').textContent = p[2];
    tick();
    ticker = setInterval(tick, 1000);
  }

  /* One request; the log shows the status, WWW-Authenticate and body. */
  function call(method, path, body, token) {
    var h = {};
    var opts = { method: method, headers: h, credentials: 'same-origin' };
    if (token) h.Authorization = 'Bearer ' + token;
    if (method === 'POST') {
      h['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
    return fetch(path, opts).then(function (r) {
      return r.text().then(function (text) {
        var data = null, www = r.headers.get('WWW-Authenticate');
        try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
        log(method + ' ' + path + (token ? '  (Authorization: Bearer ' +
            token.slice(0, 16) + '…)' : '') + '\n→ ' + r.status +
            (www ? '\n  WWW-Authenticate: ' + www : '') + '\n' +
            text.trim().slice(0, 600));
        return { status: r.status, data: data };
      });
    });
  }

  /* POST /api/auth/refresh, with the last access token for the pair
   * check. Concurrent callers share one request: two refreshes with one
   * token would be a replay and revoke the family. */
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = call('POST', '/api/auth/refresh',
                      access ? { access_token: access } : {}, null)
      .then(function (r) {
        refreshing = null;
        if (r.status === 200 && r.data && r.data.access_token) {
          access = r.data.access_token;
          show();
          return true;
        }
        access = null;
        show();
        refreshError = (r.data && r.data.error_description) || '';
        status('out', t('리프레시 실패', 'Refresh failed') +
               (refreshError ? ': ' + refreshError : '') +
               ' — ' + t('다시 로그인하세요.', 'log in again.'));
        return false;
      }, function () { refreshing = null; return false; });
    return refreshing;
  }

  /* An API call; on 401, refresh silently and retry once (S-J4). */
  function api(method, path, body) {
    return call(method, path, body, access).then(function (r) {
      if (r.status !== 401) return r;
      return refresh().then(function (ok) {
        return ok ? call(method, path, body, access) : r;
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
    api('GET', '/api/notes').then(function (r) {
      var ul = $('jwt-notes');
      ul.textContent = '';
      ((r.data && r.data.notes) || []).forEach(function (n) {
        var li = document.createElement('li');
        li.textContent = n.text;
        ul.appendChild(li);
      });
    });
  }

  function when(s) { return s ? new Date(s * 1000).toLocaleString() : '—'; }

  function loadDevices() {
    api('GET', '/api/auth/families').then(function (r) {
      var tb = $('jwt-devices').tBodies[0];
      tb.textContent = '';
      ((r.data && r.data.families) || []).forEach(function (f) {
        var tr = document.createElement('tr');
        var cells = ['#' + f.id + (f.current ? ' ★' : ''), f.alg + (f.bound ? ' +pair' : ''),
          when(f.created), when(f.last_used),
          f.revoked_at ? t('폐기됨: ', 'revoked: ') + f.revoked_reason : t('살아 있음', 'live'),
          (f.events || []).map(function (e) { return e.kind; }).join(', ')];
        cells.forEach(function (c) {
          var td = document.createElement('td');
          td.textContent = c;
          tr.appendChild(td);
        });
        var td = document.createElement('td');
        if (!f.revoked_at) {
          var b = document.createElement('button');
          b.type = 'button';
          b.textContent = t('폐기', 'Revoke');
          b.addEventListener('click', function () {
            api('POST', '/api/auth/families/revoke', { id: f.id }).then(loadDevices);
          });
          td.appendChild(b);
        }
        tr.appendChild(td);
        tb.appendChild(tr);
      });
      var acc = r.data && r.data.account;
      var why = {
        password_change: t('비밀번호 변경', 'password change'),
        logout_all: t('모든 곳에서 로그아웃', 'log out everywhere'),
        revoke_all: t('관리자의 전체 종료', "the admin's revoke-all"),
        reset: t('데모 데이터 초기화', 'demo data reset')
      };
      $('jwt-token-version').textContent = acc ? String(acc.token_version) : '—';
      $('jwt-token-cut').textContent = acc && acc.tokens_cut_at ?
        when(acc.tokens_cut_at) + ' · ' + (why[acc.tokens_cut_reason] || acc.tokens_cut_reason) :
        (acc ? t('아직 없음', 'never') : '—');
    });
  }

  $('jwt-login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var alg = f.querySelector('input[name=alg]:checked').value;
    call('POST', '/api/auth/login', {
      username: f.username.value, password: f.password.value,
      alg: alg, bind: f.bind.checked
    }, null).then(function (r) {
      if (r.status === 200) {
        access = r.data.access_token;
        f.password.value = '';
        loggedIn(t('로그인했습니다 (', 'Logged in (') + alg + ').');
      } else {
        status('out', t('로그인 실패: ', 'Login failed: ') + r.status);
      }
    });
  });

  $('jwt-me').addEventListener('click', function () { api('GET', '/api/me'); });
  $('jwt-stateless').addEventListener('click', function () { api('GET', '/api/me/stateless'); });
  $('jwt-refresh').addEventListener('click', function () { refresh().then(loadDevices); });
  $('jwt-forget').addEventListener('click', function () {
    access = null;
    show();
    $('jwt-session').hidden = false;
    $('jwt-login').hidden = true;
    log(t('메모리의 액세스 토큰을 버렸습니다. 다음 호출은 401 → 리프레시 → 재시도가 됩니다.',
          'Dropped the access token from memory. The next call goes 401 → refresh → retry.'));
  });
  $('jwt-note-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = $('jwt-note');
    api('POST', '/api/notes', { text: input.value }).then(function (r) {
      if (r.status === 201) input.value = '';
      loadNotes();
    });
  });

  /* Logout, then show the logged-out token failing on /api/me (blacklist)
   * and still working on /api/me/stateless until its exp (S-J6). */
  function logout(path) {
    var old = access;
    call('POST', path, {}, old).then(function () {
      access = null;
      show();
      status('out', t('로그아웃했습니다. 아래 기록: 같은 토큰이 /api/me에서는 revoked, /api/me/stateless에서는 여전히 200.',
                      'Logged out. In the log: the same token is revoked on /api/me, yet still 200 on /api/me/stateless.'));
      if (!old) return null;
      return call('GET', '/api/me', null, old).then(function () {
        return call('GET', '/api/me/stateless', null, old);
      });
    });
  }
  $('jwt-logout').addEventListener('click', function () { logout('/api/auth/logout'); });
  $('jwt-logout-all').addEventListener('click', function () { logout('/api/auth/logout-all'); });

  $('jwt-login-button').disabled = false;

  /* Auto-login on load: the refresh cookie, if any, buys a new access
   * token (S-J4). */
  refresh().then(function (ok) {
    if (ok)
      loggedIn(t('새로고침 뒤 리프레시 쿠키로 다시 로그인했습니다(자동 로그인).',
                 'Logged in again from the refresh cookie after the reload (auto-login).'));
    else
      status('out', t('로그인하지 않았습니다', 'Not logged in') +
             (refreshError ? ' (' + t('리프레시 실패: ', 'refresh refused: ') +
              refreshError + ')' : '') + '.');
  });
})();
