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

test('lensTitles takes the lenses with a command title', () => {
  assert.deepEqual(status.lensTitles(null), []);
  assert.deepEqual(status.lensTitles([]), []);
  assert.deepEqual(status.lensTitles([{ range: {} }, { command: { title: 'Never · 1 state · 1 ms' } }]), ['Never · 1 state · 1 ms']);
});

test('a C file: the test name before the verdict; several tests each with its name', () => {
  // lsp/c_source.go titles each lens "NAME: " and the summary.
  let st = status.fromLenses(['mp_plain_flag: Sometimes · 3 states · 1.2 ms']);
  assert.equal(st.text, '$(warning) Litmus: Sometimes');
  assert.equal(st.tooltip, 'litmusls: mp_plain_flag: Sometimes · 3 states · 1.2 ms');
  st = status.fromLenses(['mp: Never · 3 states · 1 ms', 'sb: Sometimes · 4 states · 1 ms']);
  assert.equal(st.text, '$(warning) Litmus: mp: Never, sb: Sometimes');
  assert.equal(st.checking, false);
  st = status.fromLenses(['mp: Never · 3 states · 1 ms', 'sb: Checking…']);
  assert.equal(st.checking, true);
  st = status.fromLenses(['mp: Not checked: the generated test does not parse']);
  assert.equal(st.text, '$(error) Litmus: Not checked');
});
