'use strict';
// Grammar tests: scope assertions over our own inputs (test/grammar/unit)
// and snapshots of the tokens of our own inputs (test/grammar/snap/own) and
// of shared corpus tests, read from ../shared at run time.
//
// usage: node test/grammar.js [--update]   (--update rewrites the snapshots)

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const here = __dirname;
const ext = path.dirname(here);
const grammar = path.join(ext, 'syntaxes', 'litmus.tmLanguage.json');
const update = process.argv.includes('--update');

// The corpus tests snapshotted, relative to shared/corpus: both dialects,
// locks, RCU, control dependencies, BPF atomics, labels and locations.
const CORPUS = [
  'kernel/MP+poonceonces.litmus',
  'kernel/ISA2+pooncelock+pooncelock+pombonce.litmus',
  'kernel/MP+onceassign+derefonce.litmus',
  'kernel/LB+fencembonceonce+ctrlonceonce.litmus',
  'herd-linux/C-2+2W+o-o+o-o.litmus',
  'bpf/MP+fcas-ctrl-fcas+scas-scas.litmus',
  'bpf/LockTwice.litmus',
  'bpf/C-LB-GRR+R-A+OB-OB-BPF.litmus',
];

function repoRoot(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'go.mod'))) return d;
    if (path.dirname(d) === d) throw new Error(`no go.mod above ${dir}`);
  }
}

function tool(name) {
  return path.join(path.dirname(require.resolve('vscode-tmgrammar-test/package.json')), 'dist', name);
}

function run(script, args) {
  const r = spawnSync(process.execPath, [tool(script), ...args], { cwd: ext, encoding: 'utf8' });
  process.stdout.write(r.stdout || '');
  process.stderr.write(r.stderr || '');
  return r.status === 0;
}

const failures = [];
let passed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
    console.log(`ok:   ${what}`);
  } else {
    failures.push(what);
    console.log(`FAIL: ${what}`);
  }
}

// Our own inputs are snapshotted in place. Corpus tests are not copied
// into the repository: their committed snapshots keep the tokens but leave
// out the source lines ("redacted"); at run time each corpus test is
// copied into a temporary directory with its snapshot, the source lines put
// back, and the snapshot tool runs there.
const shared = path.join(repoRoot(ext), '..', 'shared', 'corpus');
const ownDir = path.join(here, 'grammar', 'snap', 'own');
const corpusSnaps = path.join(here, 'grammar', 'snap', 'corpus');
const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'litmus-grammar-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const HEADER = '// Tokens of ../shared/corpus/%s; its source lines are left out (the corpus\n' +
  '// is not copied into the repository) and test/grammar.js puts them back.\n';

function redact(snap, rel) {
  return HEADER.replace('%s', rel) + snap.split('\n').map((l) => (l.startsWith('>') ? '>' : l)).join('\n');
}

// hydrate puts the source lines of text back into a redacted snapshot, or
// returns an error message if they do not fit.
function hydrate(snap, text) {
  const lines = text.split(/\r\n|\n/);
  const out = [];
  let k = 0;
  for (const l of snap.split('\n')) {
    if (l.startsWith('//')) continue;
    if (l.startsWith('>')) {
      if (k >= lines.length) return { error: 'the snapshot has more lines than the corpus test' };
      out.push('>' + lines[k++]);
    } else {
      out.push(l);
    }
  }
  if (k !== lines.length) return { error: `the corpus test has ${lines.length} lines, the snapshot ${k}` };
  return { snap: out.join('\n') };
}

const inputs = [];
for (const f of fs.readdirSync(ownDir).sort()) {
  const p = path.join(ownDir, f);
  if (f.endsWith('.litmus')) {
    inputs.push(p);
    if (!update) check(fs.existsSync(p + '.snap'), `snapshot of ${path.relative(ext, p)} is committed`);
  } else if (f.endsWith('.snap') && !fs.existsSync(p.slice(0, -'.snap'.length))) {
    check(false, `snapshot ${path.relative(ext, p)} has an input`);
  }
}
for (const rel of CORPUS) {
  const src = path.join(shared, rel);
  if (!fs.existsSync(src)) {
    check(false, `corpus test ${src} exists (the corpus is read from ../shared)`);
    continue;
  }
  const name = path.basename(rel);
  const copy = path.join(tmp, name);
  fs.copyFileSync(src, copy);
  inputs.push(copy);
  if (update) continue;
  const committed = path.join(corpusSnaps, name + '.snap');
  if (!fs.existsSync(committed)) {
    check(false, `snapshot of corpus test ${rel} is committed (run: node test/grammar.js --update)`);
    continue;
  }
  const h = hydrate(fs.readFileSync(committed, 'utf8'), fs.readFileSync(src, 'utf8'));
  if (h.error) {
    check(false, `snapshot of corpus test ${rel} fits it: ${h.error}`);
    continue;
  }
  fs.writeFileSync(copy + '.snap', h.snap);
}
for (const f of fs.readdirSync(corpusSnaps)) {
  if (f.endsWith('.snap') && !CORPUS.some((rel) => path.basename(rel) + '.snap' === f)) {
    check(false, `snapshot ${f} is of a corpus test in the list`);
  }
}

const units = fs.readdirSync(path.join(here, 'grammar', 'unit')).filter((f) => f.endsWith('.litmus'))
  .map((f) => path.join('test', 'grammar', 'unit', f));
check(run('unit.js', ['-g', grammar, ...units]), `scope assertions (${units.length} files)`);
if (failures.length === 0 || update) {
  check(run('snapshot.js', ['-g', grammar, ...(update ? ['--updateSnapshot'] : []), ...inputs]),
    `token snapshots (${inputs.length} files)`);
}
if (update) {
  for (const rel of CORPUS) {
    const name = path.basename(rel);
    const snap = path.join(tmp, name + '.snap');
    if (fs.existsSync(snap)) {
      fs.writeFileSync(path.join(corpusSnaps, name + '.snap'), redact(fs.readFileSync(snap, 'utf8'), rel));
    }
  }
}

console.log(`grammar: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
