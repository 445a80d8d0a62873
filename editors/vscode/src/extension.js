'use strict';
// The litmusls extension: starts `litmusls serve` for litmus tests and for
// C files with `litmus:` annotations, passes the settings on, and adds the
// check, witness and translate commands.

const path = require('path');
const vscode = require('vscode');
const {
  LanguageClient,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
} = require('vscode-languageclient/node');
const config = require('./config');
const cli = require('./cli');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel} */
let output;
/** URIs of the documents the server has been sent (didOpen). */
const opened = new Set();

function settings() {
  return vscode.workspace.getConfiguration('litmusls');
}

function binary() {
  return config.resolveServerPath(settings().get('path'));
}

async function reportMissingBinary() {
  const setting = settings().get('path');
  const msg = setting
    ? `litmusls: ${setting} (litmusls.path) is not an executable file.`
    : 'litmusls: the litmusls binary is not on PATH. Build it with "go build -o litmusls ." and put it on PATH, or set litmusls.path.';
  const choice = await vscode.window.showErrorMessage(msg, 'Open Settings');
  if (choice === 'Open Settings') {
    vscode.commands.executeCommand('workbench.action.openSettings', 'litmusls.path');
  }
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
      return next(document);
    },
    didChange: (event, next) => {
      const uri = event.document.uri.toString();
      if (opened.has(uri)) return next(event);
      if (client && wanted(event.document)) {
        // A C file just gained its first litmus: annotation.
        opened.add(uri);
        return client.sendNotification(DidOpenTextDocumentNotification.type,
          client.code2ProtocolConverter.asOpenTextDocumentParams(event.document));
      }
      return Promise.resolve();
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
  }
}

async function stop() {
  if (!client) return;
  const c = client;
  client = undefined;
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
    await reportMissingBinary();
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
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('litmusls.checkNow', checkNow),
    vscode.commands.registerCommand('litmusls.showWitness', showWitness),
    vscode.commands.registerCommand('litmusls.translate', translate),
    vscode.commands.registerCommand('litmusls.restart', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('litmusls')) return;
      if (e.affectsConfiguration('litmusls.path') || e.affectsConfiguration('litmusls.annotatedC') || !client) {
        await stop();
        await start(context);
        return;
      }
      client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { litmusls: config.serverSettings(settings()) },
      });
    }),
    { dispose: () => stop() },
  );
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
