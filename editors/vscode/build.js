'use strict';
// Bundles the extension with esbuild into dist/extension.js (one file, so
// the .vsix ships no node_modules), and writes the licenses of the npm
// packages the bundle contains to dist/THIRD-PARTY-LICENSES.txt.
//
// usage: node build.js   (npm run build; vsce package runs it first)

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

async function main() {
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'src', 'extension.js')],
    outfile: path.join(__dirname, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node18', // VS Code 1.82 (engines.vscode) runs Node 18
    format: 'cjs',
    external: ['vscode'],
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  // The packages whose files went into the bundle, by their folder.
  const dirs = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const parts = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, dir, 'package.json'), 'utf8'));
    const file = fs.readdirSync(path.join(__dirname, dir)).find((f) => /^licen[cs]e/i.test(f));
    if (!file) throw new Error(`${pkg.name}: no license file to ship with the bundle`);
    const text = fs.readFileSync(path.join(__dirname, dir, file), 'utf8').trim();
    parts.push(`${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`);
  }
  fs.writeFileSync(path.join(__dirname, 'dist', 'THIRD-PARTY-LICENSES.txt'),
    'The extension bundles these npm packages.\n\n' + parts.join('\n' + '-'.repeat(72) + '\n\n'));
  const size = fs.statSync(path.join(__dirname, 'dist', 'extension.js')).size;
  console.log(`dist/extension.js: ${size} bytes, ${dirs.size} bundled packages`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
