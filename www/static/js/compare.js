/*
 * compare.js - the live parts of /compare (S-X1). Each pane's buttons call
 * that pane's real endpoints, then both sides are read again: what the
 * browser holds (document.cookie, the cookies the server received, the
 * token in this closure) beside what the server holds (GET /compare/state,
 * and /api/auth/families for the JWT pane).
 *
 * The JWT pane's access token lives in the variable `access` only: never
 * in localStorage, sessionStorage or a cookie. A reload forgets it.
 */
(function () {
  'use strict';
  var app = document.getElementById('cmp-app');
  if (!app) return;

  var access = null;          // the JWT pane's access token: memory only
  var families = null;        // the last /api/auth/families answer
  var lastState = null;       // the last /compare/state answer
  var refreshCookie = null;   // the last /api/auth/cookie answer
  var lang = document.documentElement.lang;

  /* Why the cookie-only login was refused (compare_why_name). */
  var WHY = {
    missing: ['쿠키 없음', 'no cookie'],
    malformed: ['값의 모양이 틀려 거부함', 'not a value of the right shape, refused'],
    bad_tag: ['값이 바뀌어 서명이 맞지 않으므로 거부함', 'signature does not match (edited), refused'],
    expired: ['서명 안의 만료 시각이 지남', 'the expiry inside the signature has passed']
  };

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return siteLang.t(ko, en); }
  function text(id, s) { $(id).textContent = s; }
  function bytes(n) { return n + t('바이트', ' bytes'); }

  function b64urlJSON(s) {
    try {
      s = s.replace(/-/g, '+').replace(/_/g, '/');
      while (s.length % 4) s += '=';
      var bin = atob(s), raw = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) raw[i] = bin.charCodeAt(i);
      return JSON.parse(new TextDecoder().decode(raw));
    } catch (e) { return {}; }
  }

  /* Names the page's script can see: HttpOnly cookies are not among them. */
  function scriptCookieNames() {
    return document.cookie ? document.cookie.split('; ').map(function (p) {
      return p.split('=')[0];
    }) : [];
  }

  function setCsrf(tok) {
    if (!tok) return;
    var inputs = document.querySelectorAll('#cmp-app input[name="csrf"]');
    for (var i = 0; i < inputs.length; i++) inputs[i].value = tok;
  }

  function formBody(form) {
    return new URLSearchParams(new FormData(form));
  }

  /* The pane's sequence diagram (issue 14): the pane's last few fetches,
   * drawn by seq.js below the pane's own controls. */
  function paneSeq(node, method, path, status, token, t0, headers) {
    var pane = node && node.closest('.cmp-pane');
    if (!pane || !window.Seq) return;
    var box = pane.querySelector('.seq-draw');
    if (!box) {
      box = document.createElement('div');
      box.className = 'seq-draw seq-inpage';
      box.id = pane.id + '-seq';
      pane.appendChild(box);
    }
    box.exchanges = (box.exchanges || []).concat(
      [window.Seq.fetchExchange(method, path, status, token, performance.now() - t0,
                                headers)]).slice(-4);
    window.Seq.draw(box, box.exchanges);
  }

  /* A form POST without following the 303: its Set-Cookie still counts. */
  function postForm(form) {
    var t0 = performance.now();
    return fetch(form.getAttribute('action'), {
      method: 'POST', body: formBody(form), credentials: 'same-origin',
      redirect: 'manual'
    }).then(function (r) {
      var status = r.type === 'opaqueredirect' ? 303 : r.status;
      paneSeq(form, 'POST', form.getAttribute('action'), status, null, t0, r.headers);
      return status;
    });
  }

  function cartList(id, items) {
    var ul = $(id);
    ul.textContent = '';
    (items || []).forEach(function (it) {
      var li = document.createElement('li');
      li.textContent = it.name + ' × ' + it.qty;
      ul.appendChild(li);
    });
  }

  function received(name) {
    var list = (lastState && lastState.cookies_received) || [];
    for (var i = 0; i < list.length; i++)
      if (list[i].name === name) return list[i];
    return null;
  }

  function cookieLine(name, attrs) {
    var got = received(name), seen = scriptCookieNames().indexOf(name) >= 0;
    if (!got) return name + ': ' + t('없음', 'none');
    return name + ': ' + bytes(got.bytes) + (attrs ? '  ' + attrs : '') +
      '\n  document.cookie: ' + (seen ? t('보임', 'visible') :
        t('안 보임(HttpOnly)', 'not visible (HttpOnly)'));
  }

  /* ---- drawing ----------------------------------------------------------- */

  function drawCookie(s) {
    var ck = s.cookie, l = ck.login, attrs = {};
    ck.browser.forEach(function (b) { attrs[b.name] = b.attributes; });
    $('cookie-status').setAttribute('data-in', l.status === 'ok' ? '1' : '');
    text('cookie-status', l.status === 'ok' ?
      t('로그인한 사용자 ', 'Logged in as ') + l.user + ' (' + l.role + '), exp ' + l.exp :
      t('로그인하지 않음(', 'Not logged in: ') + (WHY[l.status] ?
        t(WHY[l.status][0], WHY[l.status][1]) : l.status) + t(')', ''));
    cartList('cookie-cart', ck.cart);
    /* Only the cookies the browser holds now. */
    text('cookie-browser', ck.browser.length ? ck.browser.map(function (b) {
      return b.name;
    }).join(', ') + ': ' + bytes(ck.bytes) : t('쿠키 없음', 'no cookies'));
    text('cookie-browser-live', cookieLine('cmp_login', attrs.cmp_login) + '\n' +
      cookieLine('cmp_cart', attrs.cmp_cart) +
      (l.status === 'ok' ? '\n\ncmp_login = ' + ck.browser[0].payload + '.' +
        t('[서명 ', '[signature, ') + bytes(ck.browser[0].tag_bytes) +
        t('. HttpOnly라 스크립트에 주지 않음]',
          ': HttpOnly, so not given to script]') : ''));
    text('t-cookie-bytes', String(ck.bytes));
  }

  function drawSession(s) {
    var ss = s.session, row = ss.row;
    $('session-status').setAttribute('data-in', ss.authenticated ? '1' : '');
    text('session-status', ss.authenticated ?
      t('로그인한 사용자 ', 'Logged in as ') + ss.user.username + ' (' + ss.user.role + ')' :
      t('손님(로그인하지 않음)', 'Guest (not logged in)'));
    cartList('session-cart', ss.cart);
    /* Where this cart is kept now: a login moves it to user_carts. */
    text('session-kept-in', ss.cart_kept_in === 'user_carts' ?
      t('(계정의 user_carts 표)', '(the account\'s user_carts table)') :
      ss.cart_kept_in ? t('(세션 데이터)', '(the session data)') : '');
    text('session-browser', ss.cookie ? ss.cookie.name + ': ' +
      bytes(ss.cookie.bytes) : t('세션 쿠키 없음', 'no session cookie'));
    text('session-browser-live', ss.cookie ?
      cookieLine(ss.cookie.name, ss.cookie.attributes) : '');
    text('session-server', row ? t('sessions 행', 'sessions row') +
      ': data ' + bytes(row.data_bytes) : t('없음', 'nothing'));
    text('session-server-live', row ? JSON.stringify({
      user: ss.user, cart_kept_in: ss.cart_kept_in, created: row.created,
      last_seen: row.last_seen, idle_expires: row.idle_expires,
      absolute_expires: row.absolute_expires, persistent: row.persistent,
      data_bytes: row.data_bytes }, null, 2) : '');
    text('t-session-bytes', ss.cookie ? String(ss.cookie.bytes) : '0');
    text('t-session-server', row ? t('sessions 행', 'sessions row') +
      ', data ' + bytes(row.data_bytes) : t('없음', 'nothing'));
  }

  function drawJwt() {
    var on = !!access, p = on ? b64urlJSON(access.split('.')[1]) : {};
    var h = on ? b64urlJSON(access.split('.')[0]) : {};
    var header = on ? 'Authorization: Bearer ' + access : '';
    $('jwt-status').setAttribute('data-in', on ? '1' : '');
    text('jwt-status', on ? t('', 'Token for ') + p.name + ' (' + p.role +
      ')' + t('의 토큰', '') + ', ' + h.alg + ', exp ' + p.exp :
      t('토큰 없음', 'No token'));
    $('jwt-me').disabled = !on;
    $('jwt-add-button').disabled = !on;
    $('jwt-logout').disabled = !on;
    /* The refresh cookie as /api/auth/cookie saw it: HttpOnly and sent to
     * /api/auth only, so neither this script nor /compare can see it. */
    var rc = refreshCookie;
    $('jwt-browser').setAttribute('data-refresh',
      rc ? (rc.present ? '1' : '0') : '');
    text('jwt-browser', !rc ? t('refresh_token 쿠키가 있는지 알 수 없습니다(/api/auth/cookie가 답하지 않음).',
                                'Whether there is a refresh_token cookie is unknown (/api/auth/cookie did not answer).') :
      rc.present ? 'refresh_token: ' + bytes(rc.bytes) +
        ', Path=/api/auth; HttpOnly; SameSite=Strict' :
      t('refresh_token 쿠키 없음. 로그인하면 생깁니다.',
        'No refresh_token cookie: logging in sets one.'));
    var ls = [];
    for (var i = 0; i < localStorage.length; i++) ls.push(localStorage.key(i));
    text('jwt-browser-live',
      t('메모리의 액세스 토큰: ', 'access token in memory: ') +
      (on ? bytes(access.length) + t(' (헤더로는 ', ' (') +
        bytes(header.length) + t(')', ' as a header)') + '\n' +
        access : t('없음', 'none')) +
      '\nlocalStorage: [' + ls.join(', ') + ']' +
      '\ndocument.cookie refresh_token: ' +
      (scriptCookieNames().indexOf('refresh_token') >= 0 ? t('보임', 'visible') :
        t('안 보임(HttpOnly, Path=/api/auth)', 'not visible (HttpOnly, Path=/api/auth)')));
    text('t-jwt-bytes', on ? String(header.length) : '0');
    var live = (families || []).filter(function (f) { return !f.revoked_at; });
    text('jwt-server-live', families ? JSON.stringify(families.map(function (f) {
      return { id: f.id, current: f.current, created: f.created,
               last_used: f.last_used, revoked_at: f.revoked_at || 0 };
    }), null, 2) : '');
    text('t-jwt-server', families ? t('살아 있는 리프레시 토큰 패밀리 ', 'refresh families ') +
      live.length + t('개', ' live') : t('로그인하면 잽니다', 'measured after login'));
  }

  /* Read both sides again. */
  function refresh() {
    var jobs = [fetch('/compare/state', { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        lastState = s;
        setCsrf(s.csrf);
        drawCookie(s);
        drawSession(s);
      })];
    if (access) jobs.push(api('GET', '/api/auth/families').then(function (r) {
      families = r.status === 200 && r.data ? r.data.families : null;
    }));
    jobs.push(fetch('/api/auth/cookie', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (d) { refreshCookie = d; }));
    return Promise.all(jobs).then(drawJwt);
  }

  function show(id, status, body) {
    text(id, '→ ' + status + (body ? '\n' + body : ''));
  }

  /* ---- the cookie-only and session panes: the page's own forms ----------- */

  function hook(formId, outId) {
    $(formId).addEventListener('submit', function (ev) {
      ev.preventDefault();
      var form = ev.target;
      postForm(form).then(function (status) {
        show(outId, 'POST ' + form.getAttribute('action') + ' ' + status);
        /* After a session logout there is no session: GET /compare makes
         * the guest one the next login's CSRF token is bound to. */
        return formId === 'session-logout' ?
          fetch('/compare', { credentials: 'same-origin' }) : null;
      }).then(refresh);
    });
  }

  function getJSON(path, outId) {
    var t0 = performance.now();
    fetch(path, { credentials: 'same-origin' }).then(function (r) {
      paneSeq($(outId), 'GET', path, r.status, null, t0, r.headers);
      return r.text().then(function (body) { show(outId, r.status, body.trim()); });
    }).then(refresh);
  }

  /* ---- the JWT pane ------------------------------------------------------- */

  function api(method, path, body) {
    var h = {};
    var opts = { method: method, headers: h, credentials: 'same-origin' };
    if (access) h.Authorization = 'Bearer ' + access;
    if (method === 'POST') {
      h['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
    var t0 = performance.now(), token = access;
    return fetch(path, opts).then(function (r) {
      paneSeq($('pane-jwt'), method, path, r.status, token, t0, r.headers);
      return r.text().then(function (s) {
        var data = null;
        try { data = JSON.parse(s); } catch (e) { /* not JSON */ }
        return { status: r.status, data: data, text: s.trim() };
      });
    });
  }

  $('jwt-login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    access = null;
    api('POST', '/api/auth/login', {
      username: $('jwt-user').value, password: $('jwt-pass').value,
      alg: $('jwt-alg').value
    }).then(function (r) {
      if (r.status === 200 && r.data && r.data.access_token) {
        access = r.data.access_token;
        show('jwt-me-out', 'POST /api/auth/login 200', 'access_token: ' +
             bytes(access.length) + t(', refresh_token: HttpOnly 쿠키',
                                      ', refresh_token: HttpOnly cookie'));
      } else {
        show('jwt-me-out', 'POST /api/auth/login ' + r.status, r.text);
      }
      return jwtCart();
    }).then(refresh);
  });

  function jwtCart() {
    if (!access) { cartList('jwt-cart', []); return Promise.resolve(); }
    return api('GET', '/api/cart').then(function (r) {
      cartList('jwt-cart', r.data && r.data.items);
    });
  }

  /* A new access token from the HttpOnly refresh cookie (sent to
   * /api/auth only), which rotates itself (S-J4). The old token, when
   * there is one, goes in the body: the refresh is bound to its pair.
   * Records the call in steps; resolves true when a token came back. */
  function renew(steps) {
    var old = access;
    access = null;       // the refresh call carries no Authorization
    return api('POST', '/api/auth/refresh', old ? { access_token: old } : {})
      .then(function (r) {
        var got = r.status === 200 && r.data && r.data.access_token;
        steps.push('POST /api/auth/refresh ' + r.status + (got ?
          ' (access_token: ' + bytes(got.length) + ')' : '\n' + r.text));
        if (got) access = got;
        return !!access;
      });
  }

  /* An API call as a real single-page app makes it: when the access token
   * is refused (401, typically expired), renew it once and repeat the
   * call. Resolves { r: the last answer, steps: every call made }. */
  function apiRenewing(method, path, body) {
    var steps = [];
    var had = !!access;
    return api(method, path, body).then(function (r) {
      steps.push(method + ' ' + path + ' ' + r.status);
      if (r.status !== 401 || !had)
        return { r: r, steps: steps };
      return renew(steps).then(function (ok) {
        if (!ok) return { r: r, steps: steps };
        return api(method, path, body).then(function (r2) {
          steps.push(method + ' ' + path + ' ' + r2.status +
                     t(' (새 토큰으로 다시)', ' (again, with the new token)'));
          return { r: r2, steps: steps };
        });
      });
    });
  }

  function showSteps(res) {
    text('jwt-me-out', '→ ' + res.steps.join('\n→ ') +
         (res.r.text ? '\n' + res.r.text : ''));
  }

  /* A reload forgets the token; the button gets a new one. */
  $('jwt-refresh').addEventListener('click', function () {
    var steps = [];
    renew(steps).then(function () {
      text('jwt-me-out', '→ ' + steps.join('\n'));
      return jwtCart();
    }).then(refresh);
  });

  $('jwt-me').addEventListener('click', function () {
    apiRenewing('GET', '/api/me').then(showSteps).then(refresh);
  });

  $('jwt-add').addEventListener('submit', function (ev) {
    ev.preventDefault();
    apiRenewing('POST', '/api/cart/add', {
      product_id: parseInt($('jwt-product').value, 10),
      qty: parseInt($('jwt-qty').value, 10)
    }).then(function (res) {
      showSteps(res);
      if (res.r.status === 200 && res.r.data)
        cartList('jwt-cart', res.r.data.items);
    }).then(refresh);
  });

  $('jwt-logout').addEventListener('click', function () {
    api('POST', '/api/auth/logout', {}).then(function (r) {
      show('jwt-me-out', 'POST /api/auth/logout ' + r.status, r.text);
      access = null;
      families = null;
      cartList('jwt-cart', []);
    }).then(refresh);
  });

  /* ---- start -------------------------------------------------------------- */

  hook('cookie-login', 'cookie-me-out');
  hook('cookie-add', 'cookie-me-out');
  hook('cookie-logout', 'cookie-me-out');
  hook('session-login', 'session-me-out');
  hook('session-add', 'session-me-out');
  hook('session-logout', 'session-me-out');
  ['cookie-me', 'session-me', 'cmp-refresh'].forEach(function (id) {
    $(id).hidden = false;
  });
  /* The buttons show the answer in place: the plain links (for a visitor
   * without script) would only repeat them. */
  ['cookie-me-link', 'session-me-link'].forEach(function (id) {
    $(id).hidden = true;
  });
  /* Disabled in the HTML: without script this form must not submit. */
  $('jwt-login-button').disabled = false;
  $('jwt-refresh').disabled = false;
  $('cookie-me').addEventListener('click', function () {
    getJSON('/compare/cookie/me', 'cookie-me-out');
  });
  $('session-me').addEventListener('click', function () {
    getJSON('/session/state', 'session-me-out');
  });
  $('cmp-refresh').addEventListener('click', refresh);
  refresh();
}());
