'use strict';
// Loads the extension's entry point outside VS Code (with a stand-in for
// the vscode module) to check that it resolves: its exports, and that the
// names it takes from vscode-languageclient/node exist in the installed
// version, so a dependency upgrade that drops one fails here.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

// withVscodeStub runs fn with require('vscode') answered by a stand-in
// whose every property is a callable, constructible stand-in again.
function withVscodeStub(fn) {
  const handler = {
    get: (t, k) => (k in t ? t[k] : (t[k] = new Proxy(function () {}, handler))),
    construct: () => new Proxy({}, handler),
    apply: () => new Proxy(function () {}, handler),
  };
  const vscode = new Proxy({}, handler);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    Module._load = load;
  }
}

test('the esbuild bundle (package.json main) loads on its own', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.equal(pkg.main, './dist/extension.js');
  const bundle = path.join(__dirname, '..', pkg.main);
  assert.ok(fs.existsSync(bundle), `${pkg.main} exists (npm run build makes it)`);
  const src = fs.readFileSync(bundle, 'utf8');
  // Only vscode is left to the host: everything else is inside.
  const required = [...src.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  const builtin = new Set(Module.builtinModules);
  assert.deepEqual(required.filter((r) => !builtin.has(r.replace(/^node:/, '')) && r !== 'vscode'), []);
  withVscodeStub(() => {
    const ext = require(bundle);
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  });
});

test('extension.js loads and the client library has what it uses', () => {
  const handler = {
    get: (t, k) => (k in t ? t[k] : (t[k] = new Proxy(function () {}, handler))),
    construct: () => new Proxy({}, handler),
    apply: () => new Proxy(function () {}, handler),
  };
  const vscode = new Proxy({}, handler);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    const ext = require('../src/extension');
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
    const lc = require('vscode-languageclient/node');
    const src = fs.readFileSync(path.join(__dirname, '..', 'src', 'extension.js'), 'utf8');
    const m = /const \{([^}]*)\} = require\('vscode-languageclient\/node'\)/.exec(src);
    assert.ok(m, 'extension.js imports from vscode-languageclient/node');
    for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      assert.ok(lc[name], `vscode-languageclient/node exports ${name}`);
    }
  } finally {
    Module._load = load;
  }
});

test('package.json: the language, grammar, commands and settings the code uses', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const c = pkg.contributes;
  assert.deepEqual(c.languages.map((l) => [l.id, l.extensions]), [['litmus', ['.litmus']]]);
  assert.equal(c.grammars[0].scopeName, 'source.litmus');
  const grammar = JSON.parse(fs.readFileSync(path.join(__dirname, '..', c.grammars[0].path), 'utf8'));
  assert.equal(grammar.scopeName, 'source.litmus');
  const langConf = JSON.parse(fs.readFileSync(path.join(__dirname, '..', c.languages[0].configuration), 'utf8'));
  assert.deepEqual(langConf.comments, { lineComment: '//', blockComment: ['(*', '*)'] });

  const src = fs.readFileSync(path.join(__dirname, '..', 'src', 'extension.js'), 'utf8');
  const registered = [...src.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(c.commands.map((x) => x.command).sort(), registered);
  const props = Object.keys(c.configuration.properties);
  for (const key of ['path', 'debounce', 'checkBudget', 'hoverArchs', 'annotatedC']) {
    assert.ok(props.includes('litmusls.' + key), `setting litmusls.${key}`);
  }
  assert.deepEqual(c.configuration.properties['litmusls.hoverArchs'].items.enum, require('../src/config').ARCHS);
  assert.ok(pkg.activationEvents.includes('onLanguage:c'), 'activates for annotated C files');
});
