'use strict';
// Runs litmusls subcommands (check, check --explain, translate) on a
// document's text, for the extension's commands. No VS Code here, so the
// Node tests run it too.

const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/**
 * run runs `binary ...args FILE` where FILE holds text: the document's own
 * file if it is saved (file is its path and dirty is false); for a file
 * with unsaved changes, a hidden copy beside it (so relative paths in its
 * annotations, such as `litmus: with ../prog_tests/x.c`, still resolve);
 * for an untitled document, a copy in a temporary directory. The copy's
 * path is replaced by the document's name in the output, so messages point
 * at the editor's document, and the copy is removed afterwards.
 *
 * @param {string} binary the litmusls binary
 * @param {string[]} args arguments before the file
 * @param {{text: string, file?: string, name: string, dirty: boolean}} doc
 * @param {number} timeoutMs
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 */
async function run(binary, args, doc, timeoutMs = 60000) {
  let file = doc.file;
  let copy;
  let tmpDir;
  if (!file) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litmusls-'));
    copy = path.join(tmpDir, path.basename(doc.name || 'untitled.litmus'));
  } else if (doc.dirty) {
    const ext = path.extname(file);
    copy = path.join(path.dirname(file), `.${path.basename(file, ext)}.unsaved-${process.pid}${ext}`);
  }
  if (copy) {
    fs.writeFileSync(copy, doc.text);
    file = copy;
  }
  try {
    const res = await new Promise((resolve) => {
      execFile(binary, [...args, file], { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        let code = 0;
        if (err) code = typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
      });
    });
    if (copy) {
      const shown = doc.file || doc.name;
      res.stdout = res.stdout.split(file).join(shown);
      res.stderr = res.stderr.split(file).join(shown);
    }
    return res;
  } finally {
    if (copy) fs.rmSync(copy, { force: true });
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * summary picks the verdict out of herd7-style output: the Observation
 * lines ("Observation NAME Sometimes 1 3"), as "NAME: Sometimes (1
 * positive, 3 negative)", and any flags.
 *
 * @param {string} out the output of `litmusls check`
 */
function summary(out) {
  const parts = [];
  for (const line of out.split('\n')) {
    let m = /^Observation\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m) {
      parts.push(`${m[1]}: ${m[2]} (${m[3]} positive, ${m[4]} negative)`);
      continue;
    }
    m = /^Flag\s+(\S+)/.exec(line);
    if (m) parts.push(`flag ${m[1]}`);
  }
  return parts.join('; ');
}

module.exports = { run, summary };
