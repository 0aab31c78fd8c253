/*
 * jwt_lab.js - the forgery lab (S-J8): send the forged token on the page
 * to the real API and show its answer as it came, with what the reason in
 * WWW-Authenticate means (from the page's #jwt-words list, which the
 * server fills from the string table; the header itself stays English, as
 * RFC 6750 has it).
 */
(function () {
  'use strict';
  var tokEl = document.getElementById('forge-token');
  var button = document.getElementById('forge-send');
  var out = document.getElementById('forge-answer');
  var meaning = document.getElementById('forge-meaning');
  if (!tokEl || !button || !out) return;
  var token = tokEl.getAttribute('data-token');
  var lang = document.documentElement.lang;

  function t(ko, en) { return lang === 'ko' ? ko : en; }

  function word(reason) {
    var found = '';
    Array.prototype.forEach.call(document.querySelectorAll('#jwt-words [data-w]'),
      function (el) {
        if (el.getAttribute('data-w') === 'reason:' + reason) found = el.textContent.trim();
      });
    return found;
  }

  function explain(status, www) {
    if (!meaning) return;
    var m = /error_description="([^"]*)"/.exec(www || '');
    meaning.textContent = '';
    if (status === 200) {
      meaning.textContent = t('API가 이 토큰을 받아들였습니다.', 'The API accepted this token.');
      return;
    }
    meaning.appendChild(document.createTextNode(
      t('API의 답은 ' + status + '입니다. 이유는 ', 'The API answered ' + status + ' with the reason ')));
    var code = document.createElement('code');
    code.textContent = m ? m[1] : '—';
    meaning.appendChild(code);
    var why = m ? word(m[1]) : '';
    meaning.appendChild(document.createTextNode(
      t('입니다.' + (why ? ' ' + why : ''), why ? ' — ' + why : '.')));
  }

  function send() {
    out.textContent = '…';
    fetch('/api/me', { headers: { Authorization: 'Bearer ' + token },
                       credentials: 'same-origin' })
      .then(function (r) {
        return r.text().then(function (text) {
          var www = r.headers.get('WWW-Authenticate');
          out.setAttribute('data-status', String(r.status));
          out.textContent = 'HTTP ' + r.status + '\n' +
            (www ? 'WWW-Authenticate: ' + www + '\n' : '') + '\n' + text.trim();
          explain(r.status, www);
        });
      }, function (e) { out.textContent = String(e); });
  }
  button.disabled = false;
  button.addEventListener('click', send);
  send();
})();
