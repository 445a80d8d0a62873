'use strict';
// The status bar item's text for each kind of code lens title the server
// makes (analysis.Summary and lsp/code_lens.go write them).

const test = require('node:test');
const assert = require('node:assert/strict');
const status = require('../src/status');

test('a verdict becomes an icon and the verdict, the whole title in the tooltip', () => {
  for (const [title, text] of [
    ['Never · 3 states · 0.4 ms', '$(pass) Litmus: Never'],
    ['Always · 1 state · 2 ms', '$(pass) Litmus: Always'],
    ['Sometimes · 4 states · Flag data-race · 1.5 ms', '$(warning) Litmus: Sometimes'],
    ['Cut off · no verdict · 12 states so far · 10 s', '$(watch) Litmus: Cut off'],
    ['Not checked: fix the syntax errors first', '$(error) Litmus: Not checked'],
    ['Not checked: internal error of litmusls (see the diagnostics)', '$(error) Litmus: Not checked'],
  ]) {
    const st = status.fromLens(title);
    assert.equal(st.text, text, title);
    assert.equal(st.tooltip, 'litmusls: ' + title);
    assert.equal(st.checking, false);
  }
});

test('"Checking…" is the spinner; no lens is no condition', () => {
  const st = status.fromLens('Checking…');
  assert.equal(st.checking, true);
  assert.equal(st.text, status.CHECKING);
  assert.match(st.text, /~spin/);
  assert.equal(status.fromLens(undefined).checking, false);
  assert.match(status.fromLens(undefined).text, /no condition/);
});

test('lensTitle takes the first lens with a command title', () => {
  assert.equal(status.lensTitle(null), undefined);
  assert.equal(status.lensTitle([]), undefined);
  assert.equal(status.lensTitle([{ range: {} }, { command: { title: 'Never · 1 state · 1 ms' } }]), 'Never · 1 state · 1 ms');
});
