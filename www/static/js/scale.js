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
        '\n' + t('노드 메모리 세션 생성, scale_node=', 'node-local session made, scale_node=') +
        stickyNode() : ''));
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
          '\naccess_token: ' + access.length + ' bytes (' +
          t('이 페이지 메모리에만', 'in this page\'s memory only') + ')' : ''));
      });
    });
  });

  function cell(tr, s) {
    var td = document.createElement('td');
    td.textContent = s;
    tr.appendChild(td);
  }

  function mark(known, user) {
    return known ? '✔ ' + user : '✘ ' + t('모름', 'unknown');
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
        $('scale-summary').textContent = t('6개 중 알아본 요청: ', 'Of 6 requests, recognised: ') +
          t('노드 메모리 ', 'node-local ') + counts.local + ', ' +
          t('공유 저장소 ', 'shared store ') + counts.shared + ', JWT ' + counts.jwt;
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
          cell(tr, mark(d.node_local.found, d.node_local.user));
          cell(tr, mark(d.shared.logged_in, d.shared.user));
          cell(tr, d.jwt.valid ? '✔ ' + d.jwt.user : '✘ ' + d.jwt.reason);
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
