'use strict';
// Starts litmusls the way the extension does (src/config.js: the binary
// from litmusls.path or PATH, `serve` on stdio, the settings as
// initializationOptions) and speaks LSP to it through
// vscode-languageserver-protocol's node streams. Also tests the pieces of
// the extension that need no VS Code: finding the binary, the settings
// sent, which C files are checked, and the CLI commands.
//
// LITMUSLS names the server binary; without it the test builds one.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeConfigurationNotification,
  PublishDiagnosticsNotification,
  HoverRequest,
  CodeActionRequest,
  CodeLensRequest,
  ExecuteCommandRequest,
  ShutdownRequest,
  ExitNotification,
} = require('vscode-languageserver-protocol/node');

const config = require('../src/config');
const cli = require('../src/cli');
const execution = require('../src/execution');

const ext = path.dirname(__dirname);
const root = (() => {
  for (let d = ext; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'go.mod'))) return d;
    if (path.dirname(d) === d) throw new Error('no go.mod above ' + ext);
  }
})();
const shared = path.join(root, '..', 'shared');
const kernelTest = path.join(shared, 'corpus', 'kernel', 'MP+poonceonces.litmus');
const racyTest = path.join(root, 'editors', 'nvim', 'test', 'racy-lb.litmus');
const TIMEOUT = 30000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'litmusls-vscode-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let built;
function serverBinary() {
  if (process.env.LITMUSLS) return process.env.LITMUSLS;
  if (!built) {
    built = path.join(tmp, 'litmusls');
    execFileSync('go', ['build', '-o', built, '.'], { cwd: root, stdio: 'inherit' });
  }
  return built;
}

// settingsOf is a stand-in for vscode.workspace.getConfiguration('litmusls').
function settingsOf(values) {
  return { get: (key) => values[key] };
}

// startServer starts the server as the extension does and initializes it.
async function startServer(settings) {
  const command = config.resolveServerPath(serverBinary());
  assert.ok(command, 'the litmusls.path setting names an executable');
  const exe = config.serverExecutable(command);
  const proc = spawn(exe.command, exe.args, { ...exe.options, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const diagnostics = new Map(); // uri -> list of published diagnostic arrays
  const waiters = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) w();
  });
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: {
        publishDiagnostics: { relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        synchronization: { didSave: true },
      },
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    },
    initializationOptions: config.serverSettings(settingsOf(settings)),
  });
  await conn.sendNotification(InitializedNotification.type, {});

  // waitFor resolves with the diagnostics of uri once pred holds for them.
  function waitFor(uri, pred, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`timed out waiting for ${what}; last diagnostics: ${JSON.stringify(diagnostics.get(uri))}\nserver log:\n${stderr}`));
      }, TIMEOUT);
      function check() {
        const d = diagnostics.get(uri);
        if (d && pred(d)) {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(d);
        }
      }
      waiters.push(check);
      check();
    });
  }

  async function open(file, languageId = 'litmus') {
    const uri = 'file://' + file;
    const text = fs.readFileSync(file, 'utf8');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return { uri, text, lines: text.split('\n') };
  }

  async function stop() {
    await conn.sendRequest(ShutdownRequest.type);
    const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    await conn.sendNotification(ExitNotification.type);
    const code = await exited;
    conn.dispose();
    return code;
  }

  return { conn, init, open, waitFor, stop, proc };
}

function lineOf(lines, re) {
  const i = lines.findIndex((l) => re.test(l));
  assert.notEqual(i, -1, `no line matches ${re}`);
  return i;
}

function hoverText(h) {
  if (!h || !h.contents) return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value;
}

test('the server publishes a reachable warning on the exists clause of a kernel test', async () => {
  const srv = await startServer({ debounce: '20ms', checkBudget: '20s', hoverArchs: [] });
  assert.equal(srv.init.serverInfo.name, 'litmusls');
  assert.ok(srv.init.capabilities.hoverProvider, 'hover is offered');
  const doc = await srv.open(kernelTest);
  const diags = await srv.waitFor(doc.uri, (d) => d.some((x) => x.code === 'reachable'), 'a reachable diagnostic');
  const exists = lineOf(doc.lines, /^exists/);
  assert.deepEqual(diags.filter((d) => d.code === 'reachable').map((d) => [d.range.start.line, d.severity, d.source]),
    [[exists, 2, 'litmusls']]);
  // Its Result: comment agrees, its accesses are marked and it parses (lints
  // may add codes of their own; they are not checked here).
  const wrong = ['result-mismatch', 'data-race', 'syntax', 'unsupported', 'budget'];
  assert.deepEqual(diags.filter((d) => wrong.includes(d.code)), []);
  assert.equal(await srv.stop(), 0, 'the server exits with status 0 after shutdown and exit');
});

test('the Show execution lens: the server draws the witness, the extension shows its SVG', async () => {
  const srv = await startServer({ debounce: '20ms' });
  assert.ok(srv.init.capabilities.executeCommandProvider.commands.includes(execution.COMMAND));
  const doc = await srv.open(kernelTest);
  await srv.waitFor(doc.uri, (d) => d.some((x) => x.code === 'reachable'), 'a reachable diagnostic');
  const lenses = await srv.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: doc.uri } });
  const show = lenses.find((l) => l.command && l.command.command === execution.COMMAND);
  assert.ok(show, `a Show execution lens among ${JSON.stringify(lenses)}`);
  assert.equal(show.command.title, 'Show execution');
  assert.equal(show.range.start.line, lineOf(doc.lines, /^exists/));
  const pic = await srv.conn.sendRequest(ExecuteCommandRequest.type,
    { command: show.command.command, arguments: show.command.arguments });
  assert.match(pic.title, /MP\+poonceonces: an allowed execution/);
  const dot = fs.readFileSync(pic.dot, 'utf8');
  for (const ev of ['WRITE_ONCE(*buf, 1)', 'WRITE_ONCE(*flag, 1)', 'READ_ONCE(*flag)', 'READ_ONCE(*buf)']) {
    assert.ok(dot.includes(ev), `the DOT has ${ev}`);
  }
  const v = execution.view(pic);
  let hasDot = true;
  try { execFileSync('dot', ['-V'], { stdio: 'ignore' }); } catch { hasDot = false; }
  if (hasDot) {
    assert.equal(v.kind, 'svg');
    assert.match(v.html, /<svg[\s\S]*READ_ONCE\(\*flag\)/);
  } else {
    assert.equal(v.kind, 'dot');
    assert.match(v.message, /Graphviz/);
  }
  assert.equal(await srv.stop(), 0);
});

test('data races, hover architectures from the settings, and the Never quick fix', async () => {
  const srv = await startServer({ debounce: '20ms', hoverArchs: ['arm64'] });
  const doc = await srv.open(racyTest);
  const diags = await srv.waitFor(doc.uri,
    (d) => d.some((x) => x.code === 'reachable') && d.some((x) => x.code === 'data-race'),
    'reachable and data-race diagnostics');
  const races = diags.filter((d) => d.code === 'data-race').map((d) => d.range.start.line).sort((a, b) => a - b);
  assert.deepEqual(races, [lineOf(doc.lines, /\*y = 1;/), lineOf(doc.lines, /r1 = \*y;/)]);

  // Hover shows only the architectures of initializationOptions...
  const acq = lineOf(doc.lines, /smp_load_acquire/);
  const pos = { line: acq, character: doc.lines[acq].indexOf('smp_load_acquire') + 2 };
  let text = hoverText(await srv.conn.sendRequest(HoverRequest.type, { textDocument: { uri: doc.uri }, position: pos }));
  assert.match(text, /arm64/);
  assert.doesNotMatch(text, /powerpc64/, 'hoverArchs limits the lowering table');
  // ...and those of workspace/didChangeConfiguration, under "litmusls", as
  // the extension sends them when the settings change.
  await srv.conn.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { litmusls: config.serverSettings(settingsOf({ hoverArchs: ['powerpc64', 'arm64'] })) },
  });
  text = hoverText(await srv.conn.sendRequest(HoverRequest.type, { textDocument: { uri: doc.uri }, position: pos }));
  assert.match(text, /powerpc64/);
  assert.match(text, /arm64/);

  // The quick fix on the plain load says the outcome becomes Never.
  const load = lineOf(doc.lines, /r1 = \*y;/);
  const col = doc.lines[load].indexOf('*y');
  // The server verifies rewrites in the background after the check and
  // offers them once they are done, so ask until they are there.
  let actions = [];
  for (const deadline = Date.now() + TIMEOUT; Date.now() < deadline;) {
    actions = await srv.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: { start: { line: load, character: col }, end: { line: load, character: col + 2 } },
      context: { diagnostics: diags, only: ['quickfix'] },
    });
    if ((actions || []).some((a) => /becomes Never/.test(a.title))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const titles = (actions || []).map((a) => a.title);
  const fix = (actions || []).find((a) => /becomes Never/.test(a.title));
  assert.ok(fix, `a quick fix makes the outcome Never; offered: ${JSON.stringify(titles)}`);
  assert.equal(fix.kind, 'quickfix');
  assert.equal(await srv.stop(), 0);
});

test('resolveServerPath: the path setting, else PATH', () => {
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const fake = path.join(bin, config.BINARY);
  fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
  const text = path.join(tmp, 'not-executable');
  fs.writeFileSync(text, '', { mode: 0o644 });

  assert.equal(config.resolveServerPath('', { PATH: ['/nonexistent', bin].join(path.delimiter) }), fake);
  assert.equal(config.resolveServerPath(undefined, { PATH: '/nonexistent' }), undefined);
  assert.equal(config.resolveServerPath(fake, { PATH: '' }), fake);
  assert.equal(config.resolveServerPath(text, { PATH: bin }), undefined, 'a set path is not replaced by PATH');
  assert.equal(config.resolveServerPath('~/x/litmusls', { HOME: tmp, PATH: '' }), undefined);
});

test('serverSettings: durations and architectures, empty values left to the server', () => {
  assert.deepEqual(config.serverSettings(settingsOf({ debounce: '100ms', checkBudget: ' 5s ', hoverArchs: ['arm64'], path: '/x' })),
    { debounce: '100ms', checkBudget: '5s', hoverArchs: ['arm64'] });
  assert.deepEqual(config.serverSettings(settingsOf({ debounce: '', checkBudget: undefined, hoverArchs: [] })), {});
});

test('wantsDocument: litmus tests, and C files with litmus: annotations', () => {
  assert.equal(config.wantsDocument('litmus', ''), true);
  assert.equal(config.wantsDocument('c', '// litmus: test MP\nint x;\n'), true);
  assert.equal(config.wantsDocument('c', '/* litmus: exists (0:r0=1) */'), true);
  assert.equal(config.wantsDocument('c', '/*\n * litmus: thread P0\n */'), true);
  assert.equal(config.wantsDocument('c', 'int litmus = 1; /* plain C */'), false);
  assert.equal(config.wantsDocument('c', '// litmus: test MP', false), false, 'annotatedC off');
  assert.equal(config.wantsDocument('go', '// litmus: test MP'), false);
});

test('check now and show the witness run the CLI on unsaved text', async () => {
  const bin = serverBinary();
  const text = fs.readFileSync(kernelTest, 'utf8');
  const name = '/home/user/unsaved/MP+poonceonces.litmus';
  const res = await cli.run(bin, ['check'], { text, name, dirty: true });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(cli.summary(res.stdout), 'MP+poonceonces: Sometimes (1 positive, 3 negative)');
  const why = await cli.run(bin, ['check', '--explain'], { text, name, dirty: true });
  assert.equal(why.code, 0, why.stderr);
  assert.match(why.stdout, /Explanation of MP\+poonceonces/);
  assert.ok(why.stdout.includes(name + ':'), 'positions name the editor document, not the temporary copy');
  assert.ok(!why.stdout.includes(os.tmpdir() + path.sep + 'litmusls-'), 'no temporary path leaks');

  // A saved file with unsaved edits: the edits are checked, through a copy
  // beside the file that is gone afterwards.
  const dir = fs.mkdtempSync(path.join(tmp, 'dirty-'));
  const file = path.join(dir, 'MP.litmus');
  fs.writeFileSync(file, text);
  const edited = text.replace('READ_ONCE(*flag)', 'smp_load_acquire(flag)').replace('WRITE_ONCE(*flag, 1)', 'smp_store_release(flag, 1)');
  const res2 = await cli.run(bin, ['check'], { text: edited, file, name: file, dirty: true });
  assert.equal(res2.code, 0, res2.stderr);
  assert.match(cli.summary(res2.stdout), /: Never \(0 positive/, 'the unsaved edits are what was checked');
  assert.deepEqual(fs.readdirSync(dir), ['MP.litmus'], 'the copy is removed');
});

test('annotated BPF C: the extension sends it, the server checks it, translate prints the litmus test', async () => {
  const file = path.join(root, 'testdata', 'bpfc', 'mp_plain_flag.c');
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(config.wantsDocument('c', text), true, 'the file carries litmus: annotations');
  const srv = await startServer({ debounce: '20ms' });
  const doc = await srv.open(file, 'c');
  const diags = await srv.waitFor(doc.uri, (d) => d.some((x) => x.code === 'reachable'), 'a reachable diagnostic on the C file');
  const lines = text.split('\n');
  const at = (d) => [d.code, d.range.start.line];
  const want = [
    ['data-race', lineOf(lines, /^\tdata = 42;/)],
    ['data-race', lineOf(lines, /^\tflag = 1;/)],
    ['data-race', lineOf(lines, /^\tint f = flag;/)],
    ['data-race', lineOf(lines, /^\t\td = data;/)],
    ['reachable', lineOf(lines, /litmus: exists/)],
  ];
  const byLine = (a, b) => a[1] - b[1] || a[0].localeCompare(b[0]);
  const known = diags.filter((d) => d.code === 'data-race' || d.code === 'reachable');
  assert.deepEqual(known.map(at).sort(byLine), want.sort(byLine), 'diagnostics at the C lines');
  assert.equal(await srv.stop(), 0);

  const res = await cli.run(serverBinary(), ['translate'], { text, file, name: file, dirty: false });
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^C mp_plain_flag$/m);
  assert.match(res.stdout, /^exists \(/m);
});
