'use strict';
// What the status bar item says about the active test. The verdict is the
// one the server puts in its code lens on the condition ("Never · 3 states
// · 0.4 ms", "Sometimes · …", "Cut off · no verdict · …", "Checking…",
// "Not checked: …", see analysis.Summary and lsp/code_lens.go; in an
// annotated C file one lens per test, "NAME: Never · …", lsp/c_source.go);
// this module turns lens titles into the item's text, icon and tooltip. It
// does not depend on the vscode module, so Node tests load it as it is.

/** The icon of each verdict (codicons). */
const icons = {
  Never: '$(pass)',
  Always: '$(pass)',
  Sometimes: '$(warning)',
  'Cut off': '$(watch)',
  'Not checked': '$(error)',
};

/** The text of the item while a check runs: a spinning icon. */
const CHECKING = '$(sync~spin) Litmus: checking';

/**
 * fromLens describes the status of a test from the title of its code lens.
 * It returns { text, tooltip, checking }: checking is true while the
 * server is still checking (the title is "Checking…"), and text is then
 * the spinner. A missing title (a test with no condition) gives
 * "Litmus: no condition".
 * @param {string | undefined} title
 */
function fromLens(title) {
  return fromLenses(title ? [title] : []);
}

// A lens title of one test of a C file: "NAME: " and the verdict.
const named = /^([^:·]+): ((?:Never|Always|Sometimes|Cut off|Not checked|Checking)[^]*)$/;

/**
 * verdictOf splits a lens title into the test's name ('' in a litmus
 * file) and the verdict word.
 * @param {string} title
 */
function verdictOf(title) {
  const m = named.exec(title);
  const name = m ? m[1] : '';
  const head = (m ? m[2] : title).split(' · ')[0];
  const verdict = head.startsWith('Not checked') ? 'Not checked' : head.startsWith('Checking') ? 'Checking' : head;
  return { name, verdict };
}

/**
 * fromLenses is fromLens for every lens of a document: the spinner while
 * any test is being checked; else one verdict, or in a C file with several
 * tests each test's name and verdict ("Litmus: mp: Sometimes, sb: Never").
 * @param {string[]} titles
 */
function fromLenses(titles) {
  if (titles.length === 0) {
    return { text: '$(circle-slash) Litmus: no condition', tooltip: 'litmusls: this test has no condition to check', checking: false };
  }
  const vs = titles.map(verdictOf);
  if (vs.some((v) => v.verdict === 'Checking')) {
    return { text: CHECKING, tooltip: 'litmusls: checking the test', checking: true };
  }
  // The icon of the most worrying verdict.
  const order = ['Not checked', 'Cut off', 'Sometimes', 'Always', 'Never'];
  const rank = (v) => (order.indexOf(v) < 0 ? order.length : order.indexOf(v));
  const worst = vs.reduce((a, b) => (rank(b.verdict) < rank(a.verdict) ? b : a));
  const icon = icons[worst.verdict] || '$(info)';
  const words = vs.length === 1 ? vs[0].verdict : vs.map((v) => (v.name ? `${v.name}: ${v.verdict}` : v.verdict)).join(', ');
  return { text: `${icon} Litmus: ${words}`, tooltip: titles.map((t) => `litmusls: ${t}`).join('\n'), checking: false };
}

/**
 * lensTitles returns the titles of the code lenses of a document (LSP
 * CodeLens objects, or VS Code's) that have one.
 * @param {Array<{command?: {title?: string}}> | null | undefined} lenses
 */
function lensTitles(lenses) {
  return (lenses || []).filter((l) => l && l.command && l.command.title).map((l) => l.command.title);
}

module.exports = { fromLens, fromLenses, lensTitles, CHECKING };
