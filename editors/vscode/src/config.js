'use strict';
// How the extension finds and starts litmusls, and what it tells it. This
// module does not need VS Code, so the Node tests start the server exactly
// as the extension does.

const fs = require('fs');
const path = require('path');

/** The name of the server binary looked up on PATH. */
const BINARY = 'litmusls';

/** The architectures hover can show, in the server's order. */
const ARCHS = ['x86-64', 'powerpc64', 'arm64', 'riscv64'];

/**
 * resolveServerPath returns the binary to run: the `litmusls.path` setting
 * if it is set, else `litmusls` from PATH. It returns undefined if the
 * binary cannot be found, so the extension can say so.
 *
 * @param {string | undefined} setting the litmusls.path setting
 * @param {NodeJS.ProcessEnv} env the environment (PATH, PATHEXT)
 * @returns {string | undefined}
 */
function resolveServerPath(setting, env = process.env) {
  if (setting && setting.trim() !== '') {
    const p = expandHome(setting.trim(), env);
    return isExecutable(p) ? p : undefined;
  }
  const exts = process.platform === 'win32' ? (env.PATHEXT || '.EXE').split(';') : [''];
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, BINARY + ext);
      if (isExecutable(p)) return p;
    }
  }
  return undefined;
}

function expandHome(p, env) {
  if (p === '~' || p.startsWith('~/')) {
    return path.join(env.HOME || '', p.slice(1));
  }
  return p;
}

function isExecutable(p) {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * serverExecutable is the language client's description of the server
 * process: `litmusls serve` on stdio.
 *
 * @param {string} command the resolved binary
 */
function serverExecutable(command) {
  return { command, args: ['serve'], options: { env: process.env } };
}

/**
 * serverSettings turns the extension's settings into the object the server
 * reads (initializationOptions, and workspace/didChangeConfiguration under
 * "litmusls"): debounce and checkBudget as Go durations, hoverArchs as a
 * list. Empty values are left out, so the server keeps its defaults.
 *
 * @param {{get: (key: string) => any}} config the "litmusls" configuration
 */
function serverSettings(config) {
  const out = {};
  const debounce = config.get('debounce');
  if (typeof debounce === 'string' && debounce.trim() !== '') out.debounce = debounce.trim();
  const budget = config.get('checkBudget');
  if (typeof budget === 'string' && budget.trim() !== '') out.checkBudget = budget.trim();
  const archs = config.get('hoverArchs');
  if (Array.isArray(archs) && archs.length > 0) {
    out.hoverArchs = archs.filter((a) => typeof a === 'string');
  }
  return out;
}

/** The documents the client sends to the server. */
const documentSelector = [
  { language: 'litmus' },
  { language: 'c', scheme: 'file' },
  { language: 'c', scheme: 'untitled' },
];

/** ANNOTATION matches a `litmus:` annotation in a C comment. */
const ANNOTATION = /(\/\/|\/\*+|^\s*\*)\s*litmus:/m;

/**
 * wantsDocument reports whether litmusls should see a document: every
 * litmus test, and C files whose comments carry `litmus:` annotations
 * (when annotatedC is on).
 *
 * @param {string} languageId
 * @param {string} text
 * @param {boolean} annotatedC
 */
function wantsDocument(languageId, text, annotatedC = true) {
  if (languageId === 'litmus') return true;
  if (languageId === 'c') return annotatedC && ANNOTATION.test(text);
  return false;
}

module.exports = {
  ARCHS,
  BINARY,
  documentSelector,
  resolveServerPath,
  serverExecutable,
  serverSettings,
  wantsDocument,
};
