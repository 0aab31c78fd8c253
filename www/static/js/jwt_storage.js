/*
 * jwt_storage.js - the storage lab (S-J9). The "memory" copy of the lab
 * token is `memory`, a variable of this closure: nothing outside this
 * function can name it. The injected script is a separate file
 * (jwt_injected.js), loaded by <script src> because the CSP forbids
 * inline script.
 */
(function () {
  'use strict';
  var el = document.getElementById('storage-token');
  if (!el) return;
  var token = el.getAttribute('data-token');
  var memory = null;
  var runs = 0;
  var lang = document.documentElement.lang;

  function $(id) { return document.getElementById(id); }
  function t(ko, en) { return lang === 'ko' ? ko : en; }

  function refresh() {
    $('storage-local-state').textContent = localStorage.getItem('lab_token') ?
      t('저장됨', 'stored') : t('없음', 'none');
    $('storage-memory-state').textContent = memory ?
      t('클로저 변수에 있음', 'held in a closure variable') : t('없음', 'none');
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
