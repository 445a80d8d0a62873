'use strict';
// What the extension shows for each answer of the server's
// litmusls.showExecution (lsp/execution.go): the SVG in a webview page,
// the DOT file when Graphviz is missing, or the reason nothing is drawn.
// The server's real answers are tested in server.test.js.

const test = require('node:test');
const assert = require('node:assert/strict');
const execution = require('../src/execution');

// What Graphviz's dot -Tsvg starts its output with.
const svg = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="100pt" height="50pt" xmlns="http://www.w3.org/2000/svg"><g><text>READ_ONCE(*x)</text></g></svg>
`;

test('an SVG answer: a page with the SVG inline, no scripts', () => {
  const read = [];
  const v = execution.view({ svg: '/tmp/d/MP.svg', dot: '/tmp/d/MP.dot', title: 'MP: an allowed execution' },
    (p) => { read.push(p); return svg; });
  assert.deepEqual(read, ['/tmp/d/MP.svg']);
  assert.equal(v.kind, 'svg');
  assert.equal(v.title, 'MP: an allowed execution');
  assert.match(v.html, /<body>\s*<svg width="100pt"/);
  assert.match(v.html, /READ_ONCE\(\*x\)/);
  assert.doesNotMatch(v.html, /<\?xml|<!DOCTYPE svg/);
  assert.match(v.html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(v.html, /<script/);
  assert.match(v.html, /<title>MP: an allowed execution<\/title>/);
});

test('the title is escaped in the page', () => {
  assert.match(execution.html('a<b & "c"', '<svg></svg>'), /<title>a&lt;b &amp; &quot;c&quot;<\/title>/);
});

test('a DOT answer (no Graphviz): the file to open and what to install', () => {
  const v = execution.view({ dot: '/tmp/d/MP.dot', title: 'MP', message: "Graphviz's dot is not installed: install Graphviz" },
    () => assert.fail('nothing is read'));
  assert.deepEqual(v, { kind: 'dot', path: '/tmp/d/MP.dot', message: "litmusls: Graphviz's dot is not installed: install Graphviz" });
});

test('nothing to draw: the server\'s reason', () => {
  assert.deepEqual(execution.view({ message: 'No execution to draw: fix the syntax errors first.' }),
    { kind: 'message', message: 'litmusls: No execution to draw: fix the syntax errors first.' });
  assert.equal(execution.view(null).kind, 'message');
  assert.equal(execution.view({}).kind, 'message');
});
