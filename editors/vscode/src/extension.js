'use strict';
// The litmusls extension: starts `litmusls serve` for litmus tests and for
// C files with `litmus:` annotations, passes the settings on, shows the
// active test's verdict in the status bar, and adds the check, witness and
// translate commands.
//
// VS Code activates the extension for every C file (activation cannot look
// at a file's text), but the server starts only once a litmus test or a C
// file with a `litmus:` annotation is open: activation alone registers the
// commands and listeners and nothing else.

const path = require('path');
const vscode = require('vscode');
const {
  LanguageClient,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
} = require('vscode-languageclient/node');
const config = require('./config');
const cli = require('./cli');
const status = require('./status');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel} */
let output;
/** URIs of the documents the server has been sent (didOpen). */
const opened = new Set();
/** @type {vscode.StatusBarItem} */
let statusItem;
/** Whether the missing binary has been reported (once until the setting changes). */
let missingReported = false;
/** Whether the server failed to start: it is not tried again for each file
 * opened, only after Restart or a change of litmusls.path. */
let startFailed = false;
/** Set while start() runs, so that two events do not start two servers. */
let starting;
/** The timer that asks again for the verdict of a test still being checked. */
let statusTimer;

function settings() {
  return vscode.workspace.getConfiguration('litmusls');
}

function binary() {
  return config.resolveServerPath(settings().get('path'));
}

// reportMissingBinary says once that the binary is missing, with an
// action that opens the litmusls.path setting; later calls (one per file
// opened, per command) only update the status bar item. force reports
// again, for a command the user ran.
async function reportMissingBinary(force = false) {
  const setting = settings().get('path');
  if (statusItem) {
    statusItem.text = '$(error) Litmus: no server';
    statusItem.tooltip = 'litmusls: the litmusls binary was not found; set litmusls.path';
    statusItem.command = { title: 'Set litmusls.path', command: 'workbench.action.openSettings', arguments: ['litmusls.path'] };
    statusItem.show();
  }
  if (missingReported && !force) return;
  missingReported = true;
  const msg = setting
    ? `litmusls: ${setting} (litmusls.path) is not an executable file.`
    : 'litmusls: the litmusls binary is not on PATH. Build it with "go build -o litmusls ." and put it on PATH, or set litmusls.path.';
  const choice = await vscode.window.showErrorMessage(msg, 'Set litmusls.path');
  if (choice === 'Set litmusls.path') {
    vscode.commands.executeCommand('workbench.action.openSettings', 'litmusls.path');
  }
}

// showStatus shows the verdict of the active editor's document when the
// server has it, and hides the item otherwise. checking shows the spinner
// without asking the server.
async function showStatus(checking = false) {
  clearTimeout(statusTimer);
  const editor = vscode.window.activeTextEditor;
  const uri = editor && editor.document.uri.toString();
  if (!client || !uri || !opened.has(uri)) {
    statusItem.hide();
    return;
  }
  statusItem.command = 'litmusls.showWitness';
  if (checking) {
    statusItem.text = status.CHECKING;
    statusItem.tooltip = 'litmusls: checking the test';
    statusItem.show();
    // The check's diagnostics end the spinner; should none come (the
    // server failed, say), the code lens is asked anyway.
    statusTimer = setTimeout(() => showStatus(), 2000);
    return;
  }
  let lenses;
  try {
    lenses = await client.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  } catch {
    return; // The server stopped or the document closed; a later event tells.
  }
  const active = vscode.window.activeTextEditor;
  if (!client || !active || active.document.uri.toString() !== uri) return;
  const st = status.fromLenses(status.lensTitles(lenses));
  statusItem.text = st.text;
  statusItem.tooltip = st.tooltip;
  statusItem.show();
  if (st.checking) {
    statusTimer = setTimeout(() => showStatus(), 300);
  }
}

// changed notes that the server got a new version of uri: a check runs.
function changed(uri) {
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.toString() === uri) showStatus(true);
}

function wanted(document) {
  return config.wantsDocument(document.languageId, document.getText(), settings().get('annotatedC'));
}

// guard lets a feature request through only for documents the server has.
function guard() {
  return function (document, ...rest) {
    const next = rest[rest.length - 1];
    if (!opened.has(document.uri.toString())) return undefined;
    return next(document, ...rest.slice(0, -1));
  };
}

function middleware() {
  return {
    didOpen: (document, next) => {
      if (!wanted(document)) return Promise.resolve();
      opened.add(document.uri.toString());
      changed(document.uri.toString());
      return next(document);
    },
    didChange: (event, next) => {
      const uri = event.document.uri.toString();
      if (opened.has(uri)) {
        changed(uri);
        return next(event);
      }
      if (client && wanted(event.document)) {
        // A C file just gained its first litmus: annotation.
        opened.add(uri);
        changed(uri);
        return client.sendNotification(DidOpenTextDocumentNotification.type,
          client.code2ProtocolConverter.asOpenTextDocumentParams(event.document));
      }
      return Promise.resolve();
    },
    handleDiagnostics: (uri, diagnostics, next) => {
      next(uri, diagnostics);
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.uri.toString() === uri.toString()) showStatus();
    },
    didClose: (document, next) => {
      if (!opened.delete(document.uri.toString())) return Promise.resolve();
      return next(document);
    },
    didSave: (document, next) => (opened.has(document.uri.toString()) ? next(document) : Promise.resolve()),
    willSave: (event, next) => (opened.has(event.document.uri.toString()) ? next(event) : Promise.resolve()),
    provideHover: guard(),
    provideCompletionItem: guard(),
    provideDefinition: guard(),
    provideCodeLenses: guard(),
    provideDocumentSymbols: guard(),
    provideCodeActions: guard(),
    provideDocumentFormattingEdits: guard(),
    provideDocumentSemanticTokens: guard(),
  };
}

// ensureStarted starts the server if it is not running and a document
// wants it (a litmus test, or a C file with a litmus: annotation).
function ensureStarted(context) {
  if (client || starting || startFailed) return starting;
  if (!vscode.workspace.textDocuments.some(wanted)) return undefined;
  starting = start(context).finally(() => {
    starting = undefined;
  });
  return starting;
}

async function start(context) {
  const command = binary();
  if (!command) {
    await reportMissingBinary();
    return;
  }
  opened.clear();
  client = new LanguageClient(
    'litmusls',
    'litmusls',
    config.serverExecutable(command),
    {
      documentSelector: config.documentSelector,
      initializationOptions: config.serverSettings(settings()),
      outputChannel: output,
      middleware: middleware(),
    },
  );
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(`litmusls: the server did not start: ${err.message || err}`);
    client = undefined;
    startFailed = true;
  }
  showStatus();
}

async function stop() {
  if (!client) return;
  const c = client;
  client = undefined;
  clearTimeout(statusTimer);
  statusItem.hide();
  try {
    await c.stop();
  } catch {
    // The server is gone already.
  }
}

// docInfo describes the active editor's document for the CLI commands.
function docInfo(languages) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !languages.includes(editor.document.languageId)) {
    vscode.window.showWarningMessage(`litmusls: open a ${languages.join(' or ')} file first.`);
    return undefined;
  }
  const d = editor.document;
  return {
    text: d.getText(),
    file: d.uri.scheme === 'file' ? d.uri.fsPath : undefined,
    name: d.uri.scheme === 'file' ? d.uri.fsPath : path.basename(d.uri.path || 'untitled') + '.litmus',
    dirty: d.isDirty || d.isUntitled,
  };
}

async function runCommand(args, languages, title) {
  const doc = docInfo(languages);
  if (!doc) return undefined;
  const command = binary();
  if (!command) {
    await reportMissingBinary(true);
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `litmusls: ${title}` },
    () => cli.run(command, args, doc),
  );
}

async function checkNow() {
  const res = await runCommand(['check'], ['litmus', 'c'], 'checking');
  if (!res) return;
  output.appendLine(res.stdout + res.stderr);
  output.show(true);
  const verdict = cli.summary(res.stdout);
  if (res.code === 0 && verdict) {
    vscode.window.showInformationMessage(`litmusls: ${verdict}`);
  } else {
    vscode.window.showErrorMessage(`litmusls check failed: ${(res.stderr || res.stdout).trim().split('\n')[0]}`);
  }
}

async function showDocument(content, language) {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

async function showWitness() {
  const res = await runCommand(['check', '--explain'], ['litmus', 'c'], 'explaining');
  if (!res) return;
  if (res.code !== 0 && !res.stdout) {
    vscode.window.showErrorMessage(`litmusls check --explain failed: ${res.stderr.trim()}`);
    return;
  }
  await showDocument(res.stdout + (res.stderr ? '\n' + res.stderr : ''), 'plaintext');
}

async function translate() {
  const res = await runCommand(['translate'], ['c'], 'translating');
  if (!res) return;
  if (res.code !== 0) {
    vscode.window.showErrorMessage(`litmusls translate failed: ${(res.stderr || res.stdout).trim()}`);
    return;
  }
  await showDocument(res.stdout, 'litmus');
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel('litmusls');
  statusItem = vscode.window.createStatusBarItem('litmusls.verdict', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'Litmus verdict';
  context.subscriptions.push(
    output,
    statusItem,
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (!client && wanted(d)) ensureStarted(context);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // A C file that gains its first litmus: annotation starts the server.
      if (!client && e.document.languageId === 'c' && wanted(e.document)) ensureStarted(context);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      if (client) showStatus();
    }),
    vscode.commands.registerCommand('litmusls.checkNow', checkNow),
    vscode.commands.registerCommand('litmusls.showWitness', showWitness),
    vscode.commands.registerCommand('litmusls.translate', translate),
    vscode.commands.registerCommand('litmusls.restart', async () => {
      await stop();
      missingReported = false;
      startFailed = false;
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('litmusls')) return;
      if (e.affectsConfiguration('litmusls.path')) {
        missingReported = false;
        startFailed = false;
      }
      if (e.affectsConfiguration('litmusls.path') || e.affectsConfiguration('litmusls.annotatedC') || !client) {
        await stop();
        await ensureStarted(context);
        return;
      }
      client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { litmusls: config.serverSettings(settings()) },
      });
    }),
    { dispose: () => stop() },
  );
  await ensureStarted(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
