'use strict';
// What the status bar item says about the active test. The verdict is the
// one the server puts in its code lens on the condition ("Never · 3 states
// · 0.4 ms", "Sometimes · …", "Cut off · no verdict · …", "Checking…",
// "Not checked: …", see analysis.Summary and lsp/code_lens.go); this module
// turns a lens title into the item's text, icon and tooltip. It does not
// depend on the vscode module, so Node tests load it as it is.

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
  if (!title) {
    return { text: '$(circle-slash) Litmus: no condition', tooltip: 'litmusls: this test has no condition to check', checking: false };
  }
  if (title.startsWith('Checking')) {
    return { text: CHECKING, tooltip: 'litmusls: checking the test', checking: true };
  }
  const head = title.split(' · ')[0];
  const verdict = head.startsWith('Not checked') ? 'Not checked' : head;
  const icon = icons[verdict] || '$(info)';
  return { text: `${icon} Litmus: ${verdict}`, tooltip: `litmusls: ${title}`, checking: false };
}

/**
 * lensTitle picks the verdict's title from the code lenses of a document
 * (LSP CodeLens objects, or VS Code's): the first one with a command title.
 * @param {Array<{command?: {title?: string}}> | null | undefined} lenses
 */
function lensTitle(lenses) {
  for (const l of lenses || []) {
    if (l && l.command && l.command.title) return l.command.title;
  }
  return undefined;
}

module.exports = { fromLens, lensTitle, CHECKING };
