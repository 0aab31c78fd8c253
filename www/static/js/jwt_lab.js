/*
 * jwt_lab.js - the forgery lab (S-J8): send the forged token on the page
 * to the real API and show its answer as it came, with what the reason in
 * WWW-Authenticate means (from the page's #jwt-words list, which the
 * server fills from the string table; the header itself stays English, as
 * RFC 6750 has it); and to the API gateway of make cluster, showing
 * which hop refused it (S-J11).
 */
(function () {
  'use strict';
  var tokEl = document.getElementById('forge-token');
  var button = document.getElementById('forge-send');
  var out = document.getElementById('forge-answer');
  var meaning = document.getElementById('forge-meaning');
  if (!tokEl || !button || !out) return;
  var token = tokEl.getAttribute('data-token');

  function t(ko, en) { return siteLang.t(ko, en); }

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
  /* GET /gw/api/me (S-J11): which hop refused the token. HAProxy, the
   * gateway, says so in X-Gateway-Refused and no node answers (no
   * X-Node); past it, a node that holds no key answers (X-Node). Under
   * make run there is no gateway: the node route says it trusts only
   * one. */
  var gwButton = document.getElementById('forge-gw-send');
  var gwOut = document.getElementById('forge-gw-answer');
  var gwHop = document.getElementById('forge-gw-hop');

  function hop(status, refused, node, data) {
    if (refused)
      return t('게이트웨이(HAProxy)가 노드에 보내기 전에 거절했습니다. 이유는 ' + refused + '입니다. 어느 노드도 이 요청을 보지 못했습니다(X-Node 없음).',
               'Refused by the gateway (HAProxy) before any node saw it: ' + refused + '. No node answered (no X-Node).');
    if (data && data.error === 'not_from_gateway')
      return t('이 사이트 앞에는 게이트웨이가 없습니다(make run). 노드의 이 경로는 게이트웨이가 검증한 요청만 믿습니다. make cluster로 띄운 앞단에서 다시 해 보세요.',
               'There is no gateway in front of this site (make run): this node route trusts only requests the gateway verified. Try again on the front of make cluster.');
    if (status === 200)
      return t('게이트웨이가 서명과 클레임을 확인해 통과시켰고, 키가 하나도 없는 노드 ' + node + '가 답했습니다.',
               'The gateway checked the signature and claims and let it through; node ' + node + ', which holds no key at all, answered.');
    return t('게이트웨이는 통과했지만 노드 ' + node + '가 거절했습니다(' + status + '). 노드는 블랙리스트와 토큰 버전을 저장소에서 확인합니다.',
             'It passed the gateway, but node ' + node + ' refused it (' + status + '): the node checks the blacklist and the token version in the store.');
  }

  function sendGw() {
    gwOut.textContent = '…';
    fetch('/gw/api/me', { headers: { Authorization: 'Bearer ' + token },
                          credentials: 'same-origin' })
      .then(function (r) {
        return r.text().then(function (text) {
          var refused = r.headers.get('X-Gateway-Refused');
          var node = r.headers.get('X-Node');
          var data = null;
          try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
          gwOut.setAttribute('data-status', String(r.status));
          gwOut.textContent = 'HTTP ' + r.status + '\n' +
            (refused ? 'X-Gateway-Refused: ' + refused + '\n' : '') +
            (node ? 'X-Node: ' + node + '\n' : '') + '\n' + text.trim();
          gwHop.setAttribute('data-hop', refused ? 'gateway' : node ? 'node' : 'none');
          gwHop.textContent = hop(r.status, refused, node, data);
        });
      }, function (e) { gwOut.textContent = String(e); });
  }

  button.disabled = false;
  button.addEventListener('click', send);
  send();
  if (gwButton && gwOut && gwHop) {
    gwButton.disabled = false;
    gwButton.addEventListener('click', sendGw);
  }
})();
