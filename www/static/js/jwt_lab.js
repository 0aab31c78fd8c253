/*
 * jwt_lab.js - the forgery lab (S-J8): send the forged token on the page
 * to the real API and show its answer as it came.
 */
(function () {
  'use strict';
  var tokEl = document.getElementById('forge-token');
  var button = document.getElementById('forge-send');
  var out = document.getElementById('forge-answer');
  if (!tokEl || !button || !out) return;
  var token = tokEl.getAttribute('data-token');

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
        });
      }, function (e) { out.textContent = String(e); });
  }
  button.disabled = false;
  button.addEventListener('click', send);
  send();
})();
