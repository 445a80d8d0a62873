'use strict';
// "Show execution": what the extension does with the answer of the
// server's litmusls.showExecution command (the code lens beside the
// verdict runs it). The server writes the picture of one execution of the
// test (DOT, and SVG when Graphviz's dot is installed) and answers with
//   { svg?: path, dot?: path, title?: string, message?: string }.
// This module knows no VS Code: view() says what to show, and html() makes
// the webview's page; extension.js shows it.

const fs = require('fs');

/** The server's command, and the webview panel's type. */
const COMMAND = 'litmusls.showExecution';
const PANEL = 'litmusls.execution';

// view decides what to show for an answer pic of the server:
//   { kind: 'svg', title, html }    the picture, in a webview;
//   { kind: 'dot', path, message }  DOT only (no Graphviz): open the file,
//                                   and say what to install;
//   { kind: 'message', message }    nothing to draw, and why.
// readFile reads a file as UTF-8 (fs.readFileSync by default).
function view(pic, readFile = (p) => fs.readFileSync(p, 'utf8')) {
  if (!pic || typeof pic !== 'object') {
    return { kind: 'message', message: 'litmusls: the server drew nothing.' };
  }
  if (pic.svg) {
    const title = pic.title || 'Execution';
    return { kind: 'svg', title, html: html(title, readFile(pic.svg)) };
  }
  if (pic.dot) {
    return { kind: 'dot', path: pic.dot, message: 'litmusls: ' + (pic.message || 'the execution is written as DOT only.') };
  }
  return { kind: 'message', message: 'litmusls: ' + (pic.message || 'no execution to draw.') };
}

// html is the webview's page: the SVG inline (its XML declaration and
// DOCTYPE dropped), no scripts, styles only inline, on a white ground so
// that Graphviz's black lines show in dark themes too.
function html(title, svg) {
  const body = svg.replace(/<\?xml[^>]*\?>/g, '').replace(/<!DOCTYPE[^>]*>/gi, '').trim();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<title>${escape(title)}</title>
<style>body { background: #fff; color: #000; margin: 0; padding: 12px; } svg { max-width: 100%; height: auto; }</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function escape(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

module.exports = { COMMAND, PANEL, view, html };
