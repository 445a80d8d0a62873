'use strict';
// End-to-end test of the extension in real VS Code (code-server, VS Code's
// web build) driven through headless Chromium by playwright-core. Run by
// e2e-code-server.sh, which installs both, starts code-server with the
// .vsix installed and a workspace holding racy-lb.litmus and an annotated
// BPF C file, and sets litmusls.path.
//
// As a user would: open the racy test and see the squiggles, the Problems
// entries and the verdict in the status bar; hover smp_load_acquire and
// read its lowering table; apply the quick fix on the plain load and see
// the verdict become Never; open the annotated C file and see its
// diagnostics.
//
// With E2E_MODE=missing (litmusls.path names no file): a C file without
// annotations starts nothing; then one notification, with an action to set
// litmusls.path, however many tests are opened.
//
// Environment: CS_URL (code-server's address), WORKSPACE (the folder, with
// racy-lb.litmus, other.litmus, mp_plain_flag.c and plain.c), SHOTS (a folder for
// screenshots of failures), E2E_MODE. Prints "ok: ..." or
// "FAIL: ..." per check; exits 1 if any check failed.

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const url = process.env.CS_URL;
const workspace = process.env.WORKSPACE;
const shots = process.env.SHOTS || '/tmp';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 60000);

let passed = 0;
let failed = 0;
let page;

async function ok(cond, what, detail) {
  if (cond) {
    passed++;
    console.log('ok:   ' + what);
  } else {
    failed++;
    console.log('FAIL: ' + what + (detail ? '\n      ' + String(detail).split('\n').join('\n      ') : ''));
    if (page) {
      const file = path.join(shots, `fail-${failed}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.log('      screenshot: ' + file);
    }
  }
  return cond;
}

// waitFor polls fn until it returns a truthy value or the time is up, and
// returns the last value.
async function waitFor(fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let v;
  for (;;) {
    v = await fn().catch(() => undefined);
    if (v || Date.now() > end) return v;
    await page.waitForTimeout(200);
  }
}

// code matches a diagnostic code in the Problems panel's text, which shows
// it as "litmusls(CODE)" or on a line of its own.
function code(c) {
  return new RegExp(`(^|\\()${c}(\\)|$)`, 'gm');
}

async function statusText() {
  const items = await page.locator('.statusbar-item').allInnerTexts();
  return items.map((t) => t.trim()).find((t) => t.startsWith('Litmus:') || t.includes('Litmus: ')) || '';
}

// open opens the workspace file name from the Explorer, as a user would.
async function open(name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().dblclick();
  const shown = await waitFor(async () => (await page.locator('.tab.active').innerText()).includes(name), 10000);
  if (!shown) throw new Error(`${name} did not open`);
  await focusEditor();
}

// focusEditor gives the active editor the keyboard focus again.
async function focusEditor() {
  await page.keyboard.press('Escape');
  await page.locator('.editor-instance .monaco-editor .view-lines').first()
    .click({ position: { x: 5, y: 5 }, timeout: 5000 })
    .catch(() => {});
}

// problems returns the text of the Problems panel, which it opens once
// (it stays open).
async function problems() {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
  }
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).join('\n');
}

// problemsOf returns the number of problems the Problems panel counts for
// the file name (its header row says "NAME 4") and the text of the rows
// after the header up to the next one.
// The panel shows only the rows that fit, so it is filtered to the file
// first (and the filter cleared after).
async function problemsOf(name) {
  await problems();
  const filter = page.locator('.part.panel .viewpane-filter input').first();
  await filter.fill(`**/${name}`);
  await page.waitForTimeout(500);
  const raw = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  const rows = raw.map((r) => r.replace(/\s+/g, ' ').trim());
  const header = /^(\S+\.(?:litmus|c)) \d+$/;
  await filter.fill('');
  const start = rows.findIndex((r) => (header.exec(r) || [])[1] === name);
  if (start < 0) return { count: 0, text: '' };
  const out = [];
  for (let i = start + 1; i < rows.length && !header.test(rows[i]); i++) {
    out.push(raw[i]);
  }
  return { count: Number(rows[start].split(' ').pop()), text: out.join('\n') };
}

// goTo puts the cursor at line and column (both 1-based, in characters).
async function goTo(line, col) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

// position returns the 1-based line and column of the first match of re in
// the workspace file name.
function position(name, re) {
  const lines = fs.readFileSync(path.join(workspace, name), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, col: m.index + 1 };
  }
  throw new Error(`${name}: nothing matches ${re}`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: TIMEOUT });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: TIMEOUT });
    if (process.env.E2E_MODE === 'missing') {
      await missingBinary();
    } else {
      await checks();
    }
  } catch (err) {
    await ok(false, 'the test ran to its end', err && err.stack);
  } finally {
    await browser.close();
  }
}

// missingBinary: litmusls.path names no file. One notification, with the
// action to set litmusls.path, however many files open.
async function missingBinary() {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'not an executable file' });
  // A C file without litmus: annotations starts nothing: no server, so no
  // word about the missing one either.
  await open('plain.c');
  await page.waitForTimeout(3000);
  const early = await page.locator('.notifications-toasts .notification-list-item').allInnerTexts();
  await ok(!early.some((t) => /litmusls/i.test(t)) && !(await statusText()),
    'a C file without annotations: no litmusls notification, no status bar item', early.join('\n'));
  await open('racy-lb.litmus');
  const shown = await waitFor(async () => (await toast.count()) > 0, 20000);
  await ok(shown, 'a missing binary: a notification pops up');
  // The user sends it away (Escape hides the toasts) and opens more files:
  // no toast comes back (VS Code folds identical notifications into one,
  // but shows each again as a toast).
  await page.keyboard.press('Escape');
  await waitFor(async () => (await toast.count()) === 0, 5000);
  await open('other.litmus');
  await open('mp_plain_flag.c');
  await page.waitForTimeout(2000);
  const again = await toast.count();
  await ok(again === 0, 'a missing binary: opening two more files pops up nothing more', `${again} toasts`);
  // The notification center (the bell in the status bar) keeps every
  // notification.
  await page.locator('.statusbar-item', { has: page.locator('.codicon-bell, .codicon-bell-dot') }).first().click();
  const center = page.locator('.notifications-center .notification-list-item', { hasText: 'not an executable file' });
  await waitFor(async () => (await center.count()) > 0, 5000);
  const notes = await center.allInnerTexts();
  await ok(notes.length === 1 && notes[0].includes('Set litmusls.path'),
    'a missing binary: the notification center holds one, with a "Set litmusls.path" action',
    `${notes.length} notifications:\n${notes.join('\n')}`);
  const st = await statusText();
  await ok(st.includes('Litmus: no server'), 'a missing binary: the status bar says "Litmus: no server"', `status bar: ${st}`);
}

// checks: the racy test, the hover, the quick fix, the annotated C file.
async function checks() {
  // 1. The racy test: squiggles on the two racing accesses and on exists.
  await open('racy-lb.litmus');
  const squiggles = await waitFor(async () => {
    const n = await page.locator('.view-overlays .squiggly-warning').count();
    return n >= 3 ? n : 0;
  });
  await ok(squiggles >= 3, 'racy test: warning squiggles on the racing accesses and the exists clause', `${squiggles || 0} squiggles`);
  let st = await waitFor(async () => ((await statusText()).includes('Sometimes') ? statusText() : ''));
  await ok(st && st.includes('Litmus: Sometimes'), 'racy test: the status bar says "Litmus: Sometimes"', `status bar: ${await statusText()}`);

  // 2. The Problems panel lists them, with their codes.
  const probs = await waitFor(async () => {
    const t = await problems();
    return code('data-race').test(t) && code('reachable').test(t) ? t : '';
  });
  await ok(probs, 'Problems: "data-race" and "reachable" entries for the racy test', await problems());
  if (probs) {
    const races = (probs.match(code('data-race')) || []).length;
    await ok(races >= 2, 'Problems: a data-race entry for each racing access', probs);
  }
  await focusEditor();

  // 3. Hover on smp_load_acquire: the lowering table.
  const acq = page.locator('.view-lines .view-line span', { hasText: /^smp_load_acquire$/ }).first();
  await acq.hover();
  const hover = await waitFor(async () => {
    const h = page.locator('.monaco-hover:visible');
    if ((await h.count()) === 0) return '';
    const t = await h.first().innerText();
    return t.includes('arm64') ? t : '';
  }, 20000);
  await ok(hover && /smp_load_acquire/.test(hover), 'hover on smp_load_acquire names it', hover);
  await ok(hover && /ldar/i.test(hover) && /powerpc/i.test(hover) && /x86/i.test(hover),
    'hover shows the lowering table (x86-64, powerpc64, arm64 with ldar)', hover);
  await page.mouse.move(5, 450);
  await page.keyboard.press('Escape');

  // 4. The quick fix on the plain load: the verdict becomes Never.
  const load = position('racy-lb.litmus', /\*y;/);
  await goTo(load.line, load.col);
  await page.keyboard.press('Control+.');
  const fixItem = page.locator('.action-widget .monaco-list-row', { hasText: 'becomes Never' }).first();
  let offered = await waitFor(async () => fixItem.isVisible(), 5000);
  for (let i = 0; !offered && i < 10; i++) {
    // The server verifies its rewrites in the background: ask again.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+.');
    offered = await waitFor(async () => fixItem.isVisible(), 3000);
  }
  const menu = await page.locator('.action-widget').allInnerTexts().catch(() => []);
  await ok(offered, 'the quick fix menu offers "... becomes Never" on the plain load', menu.join('\n'));
  if (offered) {
    // Record every text the status bar shows from now on, to see the
    // spinner of the check the edit starts.
    await page.evaluate(() => {
      window.litmusStatusSeen = [];
      const bar = document.querySelector('.part.statusbar');
      new MutationObserver(() => {
        for (const item of bar.querySelectorAll('.statusbar-item')) {
          if (item.innerText.includes('Litmus:')) {
            window.litmusStatusSeen.push(item.innerText.trim() + (item.querySelector('.codicon-modifier-spin') ? ' (spinning)' : ''));
          }
        }
      }).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    // The menu takes keys (a pointer block covers it for the mouse): move
    // the focus down to the fix and apply it with Enter.
    for (let i = 0; i < 12; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').innerText().catch(() => '');
      if (focused.includes('becomes Never')) break;
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('Enter');
    st = await waitFor(async () => ((await statusText()).includes('Never') ? statusText() : ''));
    await ok(st && st.includes('Litmus: Never'), 'after the fix the status bar says "Litmus: Never"', `status bar: ${await statusText()}`);
    const seen = await page.evaluate(() => window.litmusStatusSeen);
    await ok(seen.some((t) => t.includes('Litmus: checking') && t.includes('(spinning)')),
      'while the check ran the status bar showed a spinning "Litmus: checking"', seen.join('\n'));
    const line = await page.locator('.view-lines .view-line', { hasText: 'r1 =' }).first().innerText();
    await ok(/smp_load_acquire/.test(line), 'the fix made the load an acquire', line);
    const after = await waitFor(async () => {
      const t = await problems();
      return !code('reachable').test(t) && code('never').test(t) ? t : '';
    });
    await ok(after, 'Problems: the "reachable" entry is gone, "never" is there', await problems());
  }

  // 5. The annotated BPF C file: checked in its own lines.
  await open('mp_plain_flag.c');
  const csq = await waitFor(async () => {
    const n = await page.locator('.view-overlays .squiggly-warning').count();
    return n >= 4 ? n : 0;
  });
  await ok(csq >= 4, 'annotated C: warning squiggles (data races and the reachable outcome)', `${csq || 0} squiggles`);
  const cprobs = await waitFor(async () => {
    const p = await problemsOf('mp_plain_flag.c');
    return p.count === 5 && code('data-race').test(p.text) && code('reachable').test(p.text) ? p : undefined;
  });
  // Its 5 problems: the four racing plain accesses and the reachable
  // outcome (the panel shows only the first rows in full).
  await ok(cprobs, 'Problems: mp_plain_flag.c has 5 entries, data-race and reachable among them',
    JSON.stringify(await problemsOf('mp_plain_flag.c')));
  st = await waitFor(async () => ((await statusText()).includes('Sometimes') ? statusText() : ''));
  await ok(st && st.includes('Litmus: Sometimes'), 'annotated C: the status bar says "Litmus: Sometimes"', `status bar: ${await statusText()}`);

  // No error notification from the extension along the way.
  const toasts = (await page.locator('.notifications-toasts .notification-list-item').allInnerTexts()).join('\n');
  await ok(!/litmusls/i.test(toasts), 'no litmusls notification popped up', toasts);
}

main()
  .catch(async (err) => {
    await ok(false, 'the test ran to its end', err && err.stack);
  })
  .finally(() => {
    console.log(`e2e (code-server): ${passed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  });
