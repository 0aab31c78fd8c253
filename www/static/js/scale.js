/*
 * scale.js - the front of /lab/scale (S-X3). It logs in on a node without
 * leaving the page, gets a JWT from the real issuer (kept in this closure
 * only), and sends six "who am I" requests to the nodes, round robin or
 * sticky by the scale_node cookie, showing what each node knew.
 */
(function () {
  'use strict';
  var form = document.getElementById('scale-login');
  if (!form) return;

  var access = null;          // the JWT: memory only
  var lang = document.documentElement.lang;

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return lang === 'ko' ? ko : en; }

  /* Why a node refused the JWT (token_reason_text, "no token"). */
  var REASON_KO = {
    'no token': '토큰 없음', 'malformed': '형식이 잘못됨',
    'too large': '너무 큼', 'alg not allowed for this key': '이 키의 알고리즘이 아닌 alg',
    'unknown kid': '모르는 kid', 'bad signature': '서명이 맞지 않음',
    'wrong iss': 'iss가 다름', 'wrong aud': 'aud가 다름',
    'wrong token_use': 'token_use가 다름', 'expired': '만료됨',
    'not yet valid': '아직 쓸 수 없음', 'revoked': '폐기됨',
    'issued before a revocation': '폐기 전에 발급됨',
    'no such account': '없는 계정'
  };
  function reason(r) { return lang === 'ko' && REASON_KO[r] ? REASON_KO[r] : r; }
  function say(s) { $('scale-login-out').textContent = s; }

  /* The node a sticky front picks: the scale_node cookie, else A. */
  function stickyNode() {
    var m = document.cookie.match(/(?:^|; )scale_node=([ab])(?:;|$)/);
    return m ? m[1] : 'a';
  }

  function setCsrf(tok) {
    if (!tok) return;
    var inputs = document.querySelectorAll('input[name="csrf"]');
    for (var i = 0; i < inputs.length; i++) inputs[i].value = tok;
  }

  /* Log in on the node of the button pressed; the 303 is not followed,
   * its Set-Cookie still counts. */
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var action = ev.submitter ? ev.submitter.getAttribute('formaction') :
      form.getAttribute('action');
    fetch(action, {
      method: 'POST', body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin', redirect: 'manual'
    }).then(function (r) {
      var ok = r.type === 'opaqueredirect';
      say('POST ' + action + ' → ' + (ok ? '303' : r.status) + (ok ?
        '\n' + t('노드 메모리 세션을 만들었습니다(scale_node=',
                 'node-local session made, scale_node=') +
        stickyNode() + t(')', '') : ''));
    });
  });

  $('scale-jwt').addEventListener('click', function () {
    fetch('/api/auth/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: $('scale-user').value,
                             password: $('scale-pass').value, alg: 'HS256' })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        access = r.status === 200 && d.access_token ? d.access_token : null;
        say('POST /api/auth/login → ' + r.status + (access ?
          '\naccess_token: ' + access.length + t('바이트', ' bytes') + ' (' +
          t('이 페이지의 메모리에만 있음', 'in this page\'s memory only') + ')' : ''));
      });
    });
  });

  function cell(tr, s) {
    var td = document.createElement('td');
    td.textContent = s;
    tr.appendChild(td);
    return td;
  }

  /* A verdict cell: ✔ or ✘ in colour, named for a screen reader
   * ("recognised" / "not recognised"), then who or why. */
  function verdict(tr, known, rest) {
    var td = cell(tr, ' ' + rest), m = document.createElement('span');
    m.className = 'mark ' + (known ? 'ok' : 'bad');
    m.setAttribute('role', 'img');
    m.setAttribute('aria-label', known ? t('알아봄', 'recognised') :
      t('알아보지 못함', 'not recognised'));
    m.textContent = known ? '✔' : '✘';
    td.insertBefore(m, td.firstChild);
  }

  function mark(tr, known, user) {
    verdict(tr, known, known ? user : t('모름', 'unknown'));
  }

  /* One request to node n; resolves with its answer (or null). */
  function ask(n) {
    var h = {};
    if (access) h.Authorization = 'Bearer ' + access;
    return fetch('/lab/scale/' + n + '/me', {
      credentials: 'same-origin', headers: h
    }).then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  $('scale-send').addEventListener('click', function () {
    var sticky = document.querySelector('input[name="mode"]:checked')
      .value === 'sticky';
    var rows = $('scale-rows'), counts = { local: 0, shared: 0, jwt: 0 };
    var i = 0;
    rows.textContent = '';
    $('scale-summary').textContent = '';
    function next() {
      if (i === 6) {
        $('scale-summary').textContent = lang === 'ko' ?
          '요청 6개 가운데 알아본 요청은 노드 메모리 세션 ' + counts.local +
          '개, 공유 저장소 세션 ' + counts.shared + '개, JWT ' + counts.jwt +
          '개입니다.' :
          'Of 6 requests, recognised: node-local ' + counts.local +
          ', shared store ' + counts.shared + ', JWT ' + counts.jwt;
        return null;
      }
      var n = sticky ? stickyNode() : (i % 2 ? 'b' : 'a');
      i++;
      return ask(n).then(function (d) {
        var tr = document.createElement('tr');
        cell(tr, String(i));
        if (!d) {
          cell(tr, n.toUpperCase());
          cell(tr, '-'); cell(tr, '-'); cell(tr, '-'); cell(tr, '-');
        } else {
          setCsrf(d.csrf);
          cell(tr, d.node.toUpperCase());
          cell(tr, String(d.pid));
          mark(tr, d.node_local.found, d.node_local.user);
          mark(tr, d.shared.logged_in, d.shared.user);
          verdict(tr, d.jwt.valid, d.jwt.valid ? d.jwt.user : reason(d.jwt.reason));
          counts.local += d.node_local.found ? 1 : 0;
          counts.shared += d.shared.logged_in ? 1 : 0;
          counts.jwt += d.jwt.valid ? 1 : 0;
        }
        rows.appendChild(tr);
        return next();
      });
    }
    next();
  });

  ['scale-jwt', 'scale-send', 'scale-mode'].forEach(function (id) {
    $(id).hidden = false;
  });
}());
