/*
 * scale.js - the front of /lab/scale (S-X3). It logs in on a node without
 * leaving the page, gets a JWT from the real issuer (kept in this closure
 * only), and sends six "who am I" requests to the nodes, round robin or
 * sticky by the scale_node cookie, showing what each node knew. Under
 * make cluster (an answer carries X-Node) it asks the real HAProxy
 * instead: four setups (node memory behind round robin and behind
 * sticky at /sticky/, the Redis session, a JWT), then the same calls
 * again after node A was killed.
 */
(function () {
  'use strict';
  var form = document.getElementById('scale-login');
  if (!form) return;

  var access = null;          // the JWT: memory only
  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return siteLang.t(ko, en); }

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
  function reason(r) { return REASON_KO[r] ? t(REASON_KO[r], r) : r; }
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
        $('scale-summary').textContent = t(
          '요청 6개 가운데 알아본 요청은 노드 메모리 세션 ' + counts.local +
          '개, 공유 저장소 세션 ' + counts.shared + '개, JWT ' + counts.jwt +
          '개입니다.',
          'Of 6 requests, recognised: node-local ' + counts.local +
          ', shared store ' + counts.shared + ', JWT ' + counts.jwt);
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

  /* ---- make cluster: the real front -------------------------------------
   * Every answer of a real node carries X-Node (lighttpd adds it under
   * make cluster); make run sends none, and the imitation above stays. */
  var SETUPS = [
    { id: 'mem-rr', prefix: '', kind: 'mem',
      name: t('ⓐ 노드 메모리 + 라운드 로빈', 'ⓐ node memory, round robin') },
    { id: 'mem-sticky', prefix: '/sticky', kind: 'mem',
      name: t('ⓑ 노드 메모리 + 스티키 세션', 'ⓑ node memory, sticky') },
    { id: 'redis-rr', prefix: '', kind: 'redis',
      name: t('ⓒ Redis 세션 + 라운드 로빈', 'ⓒ Redis session, round robin') },
    { id: 'jwt-rr', prefix: '', kind: 'jwt',
      name: t('ⓓ JWT + 라운드 로빈', 'ⓓ JWT, round robin') }
  ];
  var bearer = null;          // setup ⓓ's RS256 token: memory only
  var before = {};            // setup id -> its first run's result

  function node(r) { return (r.headers.get('X-Node') || '?').toUpperCase(); }
  function json(r) { return r.json().catch(function () { return null; }); }

  /* A fresh CSRF token of the site session (a login rotates it). */
  function csrf() {
    return fetch('/lab/scale/a/me', { credentials: 'same-origin' })
      .then(json).then(function (d) {
        if (d && d.csrf) setCsrf(d.csrf);
        return d && d.csrf ? d.csrf : '';
      });
  }

  function loginBody(tok, extra) {
    var f = new URLSearchParams();
    f.set('username', $('scale-user').value);
    f.set('password', $('scale-pass').value);
    f.set('csrf', tok);
    if (extra) f.set(extra[0], extra[1]);
    return f;
  }

  /* The setup's login: resolves { node, ok, what }. */
  function realLogin(s) {
    if (s.kind === 'jwt') {
      return fetch('/api/auth/login', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: $('scale-user').value,
                               password: $('scale-pass').value, alg: 'RS256' })
      }).then(function (r) {
        return json(r).then(function (d) {
          bearer = r.status === 200 && d && d.access_token ? d.access_token : null;
          return { node: node(r), ok: !!bearer,
                   what: 'POST /api/auth/login (RS256) → ' + r.status };
        });
      });
    }
    return csrf().then(function (tok) {
      var path = s.kind === 'mem' ? s.prefix + '/lab/scale/a/login' :
        '/session/login';
      // reply=json: a 200 whose X-Node is readable (a 303's is not).
      return fetch(path, {
        method: 'POST', credentials: 'same-origin',
        body: loginBody(tok, ['reply', 'json'])
      }).then(function (r) {
        return { node: node(r), ok: r.status === 200,
                 what: 'POST ' + path + ' → ' + r.status };
      });
    });
  }

  /* One "who am I" call: resolves { node, known, who }. */
  function whoami(s) {
    var path = s.kind === 'redis' ? '/session/state' :
      s.prefix + '/lab/scale/a/me';
    var h = {};
    if (s.kind === 'jwt' && bearer) h.Authorization = 'Bearer ' + bearer;
    return fetch(path, { credentials: 'same-origin', headers: h })
      .then(function (r) {
        return json(r).then(function (d) {
          var known = false, who = '';
          if (d && s.kind === 'mem') {
            known = !!d.node_local.found; who = d.node_local.user;
          } else if (d && s.kind === 'redis') {
            known = !!d.authenticated; who = d.user && d.user.username;
          } else if (d && s.kind === 'jwt') {
            known = !!d.jwt.valid;
            who = d.jwt.valid ? d.jwt.user : reason(d.jwt.reason);
          }
          return { node: node(r), known: known, who: who, path: path };
        });
      }, function () {
        return { node: '-', known: false, who: t('응답 없음', 'no answer'),
                 path: path };
      });
  }

  function realRow(s, n, what, nd, known, who) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-setup', s.id);
    cell(tr, s.name); cell(tr, n); cell(tr, what); cell(tr, nd);
    if (known === null) cell(tr, who);
    else verdict(tr, known, known ? who : (who || t('모름', 'unknown')));
    $('scale-real-rows').appendChild(tr);
  }

  /* Run setup s: login (unless again), then six calls; resolves its
   * result { login, calls: [...] }. */
  function runSetup(s, again) {
    var res = { login: again ? before[s.id].login : null, calls: [] };
    var start = again ? Promise.resolve(null) : realLogin(s);
    return start.then(function (l) {
      if (l) {
        res.login = l;
        realRow(s, t('로그인', 'login'), l.what, l.node, null,
                l.ok ? t('로그인함', 'logged in') : t('실패', 'failed'));
      }
      var i = 0;
      function next() {
        if (i === 6) return res;
        i++;
        return whoami(s).then(function (c) {
          res.calls.push(c);
          realRow(s, String(i), 'GET ' + c.path, c.node, c.known, c.who);
          return next();
        });
      }
      return next();
    });
  }

  /* The node that took the login (its answer's X-Node). */
  function holder(r) {
    return r.login ? r.login.node : '-';
  }

  function summarise(s, r, again) {
    var a = 0, b = 0, k = 0;
    r.calls.forEach(function (c) {
      if (c.node === 'A') a++;
      if (c.node === 'B') b++;
      if (c.known) k++;
    });
    var id = 'scale-sum-' + s.id, tr = $(id);
    if (!again) {
      if (tr) tr.parentNode.removeChild(tr);
      tr = document.createElement('tr');
      tr.id = id;
      tr.setAttribute('data-setup', s.id);
      cell(tr, s.name); cell(tr, holder(r));
      cell(tr, String(a)); cell(tr, String(b)); cell(tr, String(k));
      cell(tr, '-');
      $('scale-real-sum').appendChild(tr);
      return;
    }
    var kept = k === r.calls.length, lost = k === 0;
    tr.cells[5].textContent = (kept ? t('남음', 'kept') :
      lost ? t('사라짐', 'lost') : t('일부만', 'partly')) + ' (' +
      t('알아본 요청 ', 'recognised ') + k + '/6, A ' + a + ', B ' + b + ')';
    tr.cells[5].className = kept ? 'kept' : 'lost';
  }

  function runAll(again) {
    $('scale-run').disabled = true;
    $('scale-again').disabled = true;
    $('scale-real-rows').textContent = '';
    $('scale-real-status').textContent = t('실행 중…', 'running…');
    var chain = Promise.resolve();
    SETUPS.forEach(function (s) {
      chain = chain.then(function () {
        return runSetup(s, again).then(function (r) {
          if (!again) before[s.id] = r;
          summarise(s, r, again);
        });
      });
    });
    return chain.then(function () {
      $('scale-real-status').textContent = again ?
        t('노드를 죽인 뒤 네 가지를 다시 실행했습니다.',
          'The four setups ran again after the kill.') :
        t('네 가지를 실행했습니다. 이제 아래 명령으로 노드 A를 죽여 보세요.',
          'The four setups ran. Now kill node A with the command below.');
      $('scale-run').disabled = false;
      $('scale-again').disabled = false;
    });
  }

  function realMode() {
    $('scale-imitation').hidden = true;
    $('scale-real-note').hidden = false;
    $('scale-real').hidden = false;
    $('scale-front').hidden = true;
    var port = location.port || (location.protocol === 'https:' ? '443' : '80');
    $('scale-kill-cmd').textContent = 'PORT=' + port +
      ' tools/cluster.sh kill-node a';
    $('scale-run').addEventListener('click', function () { runAll(false); });
    $('scale-again').addEventListener('click', function () { runAll(true); });
    document.documentElement.setAttribute('data-scale-front', 'real');
  }

  fetch('/lab/scale/a/me', { credentials: 'same-origin' }).then(function (r) {
    if (r.headers.get('X-Node')) realMode();
    else document.documentElement.setAttribute('data-scale-front', 'imitation');
  }, function () {
    document.documentElement.setAttribute('data-scale-front', 'imitation');
  });
}());
