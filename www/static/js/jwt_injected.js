/*
 * jwt_injected.js - plays a script injected through XSS into the storage
 * lab (S-J9). It looks everywhere a token could be and writes what it
 * found into the page. A real attacker would send it to their own server
 * instead.
 */
(function () {
  'use strict';
  var out = document.getElementById('storage-loot');
  if (!out) return;
  var lines = [];
  var ko = document.documentElement.lang === 'ko';

  var ls = localStorage.getItem('lab_token');
  lines.push('localStorage.getItem("lab_token") → ' +
             (ls ? ls.slice(0, 40) + '…  (' + (ko ? '훔쳤습니다' : 'stolen') + ')' : 'null'));

  lines.push('document.cookie → ' + JSON.stringify(document.cookie) +
             (document.cookie.indexOf('lab_token=') >= 0 ? '' :
              (ko ? '  (lab_token이 없습니다. HttpOnly라서 스크립트에는 보이지 않습니다)' :
                    '  (no lab_token: HttpOnly)')));

  var globals = Object.keys(window).filter(function (k) {
    return /token|jwt|memory/i.test(k);
  });
  lines.push((ko ? '이름에 token, jwt, memory가 들어간 전역 변수 → ' :
                   'globals named token/jwt/memory → ') +
             (globals.length ? globals.join(', ') :
              (ko ? '없습니다(클로저 안의 변수는 이름으로 찾을 수 없습니다)' :
                    'none (a closure variable is out of reach)')));
  out.textContent = lines.join('\n') + '\n…';

  fetch('/jwt/storage/echo', { credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (j) {
      lines.push('fetch("/jwt/storage/echo") → lab_cookie_sent: ' + j.lab_cookie_sent +
                 (j.lab_cookie_sent ? (ko ? '  (값은 읽지 못해도, 브라우저가 쿠키를 붙여 주므로 대신 쓸 수는 있습니다)' :
                                       '  (cannot read it, but can use it)') : ''));
      out.textContent = lines.join('\n');
      out.setAttribute('data-done', '1');
    }, function (e) {
      lines.push(String(e));
      out.textContent = lines.join('\n');
    });
})();
