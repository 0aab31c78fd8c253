/*
 * jwt_storage.js - the storage lab (S-J9). The "memory" copy of the lab
 * token is `memory`, a variable of this closure: nothing outside this
 * function can name it. The injected script is a separate file
 * (jwt_injected.js), loaded by <script src> because the CSP forbids
 * inline script.
 *
 * The HttpOnly cookie buttons are a plain form, so that they work without
 * script. A form post loads a new page, and a new page has a new, empty
 * memory: pressing the three "Put" buttons top to bottom would lose the
 * memory copy. So with script the form is sent with fetch instead, the
 * page stays, and the cookie's state is read back from the server
 * (/jwt/storage/echo), since script cannot see an HttpOnly cookie.
 */
(function () {
  'use strict';
  var el = document.getElementById('storage-token');
  if (!el) return;
  var token = el.getAttribute('data-token');
  var memory = null;
  var runs = 0;

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return siteLang.t(ko, en); }

  function refresh() {
    $('storage-local-state').textContent = localStorage.getItem('lab_token') ?
      t('들어 있습니다', 'stored') : t('비어 있습니다', 'empty');
    $('storage-memory-state').textContent = memory ?
      t('클로저 변수에 들어 있습니다(새로고침하면 사라집니다)',
        'held in a closure variable (a reload loses it)') :
      t('비어 있습니다', 'empty');
  }

  /* What the server says about the HttpOnly cookie. */
  function cookieState() {
    var cell = $('storage-cookie-state');
    return fetch('/jwt/storage/echo', { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        cell.textContent = cell.getAttribute(j.lab_cookie_sent ? 'data-on' : 'data-off');
        cell.setAttribute('data-sent', j.lab_cookie_sent ? '1' : '0');
      });
  }

  $('storage-local').addEventListener('click', function () {
    localStorage.setItem('lab_token', token); refresh();
  });
  $('storage-local-clear').addEventListener('click', function () {
    localStorage.removeItem('lab_token'); refresh();
  });
  $('storage-memory').addEventListener('click', function () {
    memory = token; refresh();
  });
  $('storage-memory-clear').addEventListener('click', function () {
    memory = null; refresh();
  });

  /* The cookie form without leaving the page. The server answers 303
   * with the Set-Cookie; the redirect is not followed. (form.action
   * would be the buttons named "action", not the form's URL.) */
  var form = $('storage-cookie-form');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var data = new URLSearchParams();
    data.set('csrf', form.elements.csrf.value);
    data.set('action', ev.submitter ? ev.submitter.value : 'set');
    fetch(form.getAttribute('action'), { method: 'POST', body: data, credentials: 'same-origin',
                         redirect: 'manual' })
      .then(cookieState, cookieState);
  });

  $('storage-inject').addEventListener('click', function () {
    var old = document.getElementById('injected-script');
    if (old) old.remove();
    var s = document.createElement('script');
    s.id = 'injected-script';
    s.src = '/static/js/jwt_injected.js?run=' + (++runs);
    document.body.appendChild(s);
  });
  refresh();
})();
