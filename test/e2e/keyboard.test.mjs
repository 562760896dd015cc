// The integration guide with the keyboard only (page.keyboard, no mouse), in a real Chromium
// against a real `bulwark serve` and the fake JFrog Platform: sign in, the skip link, the scanner
// type tabs, activate JFrog Xray SCA and Test Connection, create a project, add the scanner picking
// the repository from the live list with the arrow keys, run the scan, open a finding from its row
// and triage it. Every drawer is checked for focus moving in, staying in, closing on Escape and
// going back to the control that opened it. The steps share one page and run in order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, launchBrowser, screenshot, startBulwark, startFakeXray } from './harness.mjs';

let xray, server, browser, page, watch;

before(async () => {
  xray = await startFakeXray();
  await xray.configure({ dataset: { file: fixture('report.json') }, report_duration_ms: 300 });
  server = await startBulwark();
  browser = await launchBrowser({ viewport: { width: 1366, height: 768 } });
  ({ page, watch } = browser);
  watch.expectHttpError(401, /\/api\/v1\/me$/);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await xray?.close();
});

/** What has the keyboard focus: tag, id, role, accessible-ish name, the dialog it is in. */
function focused() {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'BODY', name: '' };
    const label = el.getAttribute('aria-label') ||
      (el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.textContent || '';
    const dialog = el.closest('[role=dialog]');
    return {
      tag: el.tagName, id: el.id, role: el.getAttribute('role'), name: label.replace(/\s+/g, ' ').trim(),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(), selected: el.getAttribute('aria-selected'),
      dialog: dialog ? document.getElementById(dialog.getAttribute('aria-labelledby'))?.textContent : null,
    };
  });
}

/**
 * Presses Tab (Shift+Tab with back) until the focused element satisfies `want`; fails after
 * `max` presses with the path the focus took. Answers the focused element's description.
 */
async function tabTo(want, { back = false, max = 40 } = {}) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused();
    if (want(f)) return f;
    path.push(`${f.tag}#${f.id ?? ''} "${f.name.slice(0, 30)}"`);
  }
  throw new Error(`the focus never reached the control; it went:\n${path.join('\n')}`);
}
const named = (name) => (f) => f.name === name;

/**
 * Waits (up to 3 s: the UI moves the focus after it renders) until the focused element's
 * description `pick(f)` deep-equals `want`; fails naming where the focus is.
 */
async function focusIs(pick, want, message) {
  const deadline = Date.now() + 3000;
  let f;
  for (;;) {
    f = await focused();
    try { assert.deepEqual(pick(f), want); return f; } catch (e) {
      if (Date.now() > deadline) throw new Error(`${message ?? 'focus'}: ${e.message}\nfocus is on ${JSON.stringify(f)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}


test('sign in with the keyboard; the skip link jumps to the main content', async () => {
  await page.goto(server.url + '/');
  await page.getByLabel('Username').waitFor();
  await focusIs((f) => f.id, 'username', 'the username field has the focus on arrival');
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await focusIs((f) => f.id, 'password');
  await page.keyboard.type(server.password);
  await page.keyboard.press('Enter');
  await page.getByText('No projects yet').waitFor();

  // The session cookie is out of the page's reach and never sent from another site.
  const cookies = await browser.context.cookies(server.url);
  assert.ok(cookies.length > 0, 'a session cookie is set');
  for (const c of cookies) {
    assert.deepEqual({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite },
                     { name: c.name, httpOnly: true, sameSite: 'Strict' });
    assert.ok(!(await page.evaluate(() => document.cookie)).includes(c.value));
  }

  // Signed in, the focus starts at the main content.
  await focusIs((f) => f.id, 'main-content');
  await page.keyboard.press('Tab');
  await focusIs((f) => f.name, 'New project');

  // On a fresh load the first Tab stop is the skip link, which jumps over the navigation.
  await page.reload();
  await page.getByText('No projects yet').waitFor();
  await page.keyboard.press('Tab');
  await focusIs((f) => f.name, 'Skip to main content', 'the first Tab stop is the skip link');
  const box = await page.locator('.skip-link').boundingBox();
  assert.ok(box && box.y >= 0 && box.height > 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  await focusIs((f) => f.id, 'main-content');
  await page.keyboard.press('Tab');
  await focusIs((f) => f.name, 'New project', 'Tab goes on inside the main content');
  await screenshot(page, 'keyboard-01-signed-in');
  watch.check();
});

test('the scanner type tabs follow the arrow keys; activate Xray and Test Connection by keyboard', async () => {
  await tabTo(named('Integrations'), { back: true });
  await page.keyboard.press('Enter');
  await page.getByRole('article', { name: 'JFrog Xray SCA' }).waitFor();

  const sca = await tabTo((f) => f.role === 'tab');
  assert.deepEqual([sca.name, sca.selected], ['SCA', 'true'], 'SCA comes first and is selected');
  await page.keyboard.press('ArrowRight');
  await focusIs((f) => [f.name, f.selected], ['SAST', 'true']);
  await page.getByText('No SAST scanners available yet.').waitFor();
  await page.keyboard.press('ArrowLeft');
  await focusIs((f) => f.name, 'SCA');
  await page.getByRole('article', { name: 'JFrog Xray SCA' }).waitFor();

  await tabTo(named('Activate'));
  await page.keyboard.press('Enter');
  const panel = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
  await panel.waitFor();
  await focusIs((f) => [f.dialog, f.id, f.role], ['JFrog Xray SCA settings', 'api-enabled', 'switch'],
                'the focus moved into the drawer, on its first control');
  let f;
  await page.keyboard.press('Space');
  assert.equal(await panel.getByRole('switch', { name: 'Is API Enabled' }).isChecked(), true);
  await page.keyboard.press('Tab');
  await focusIs((f) => f.id, 'access-token');
  await page.keyboard.type('good-token');
  await page.keyboard.press('Tab');
  await focusIs((f) => f.id, 'xray-url');
  await page.keyboard.type(xray.url);
  await tabTo(named('Test Connection'));
  await page.keyboard.press('Enter');
  await panel.locator('[data-code=ok]').waitFor();
  await focusIs((f) => f.name, 'Test Connection', 'the focus stays on the button it pressed');

  // Tab cycles inside the drawer, never into the page behind it.
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press(i % 3 ? 'Tab' : 'Shift+Tab');
    f = await focused();
    assert.equal(f.dialog, 'JFrog Xray SCA settings', `press ${i + 1} left the drawer for ${f.tag} "${f.name}"`);
  }
  await tabTo(named('Save'));
  await page.keyboard.press('Enter');
  await panel.getByText('Settings saved.').waitFor();
  await screenshot(page, 'keyboard-02-xray-settings');

  // The Activate button is gone now, so the focus goes back to the card's settings button.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await focusIs((f) => f.name, 'JFrog Xray SCA settings');
  await page.keyboard.press('Enter');
  await panel.waitFor();
  await focusIs((f) => f.dialog, 'JFrog Xray SCA settings');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await focusIs((f) => f.name, 'JFrog Xray SCA settings', 'Escape gives the focus back to the opener');
  const stored = await server.api('GET', '/integrations/jfrogxraysca');
  assert.deepEqual([stored.active, stored.api_enabled, stored.token_set, stored.url], [true, true, true, xray.url]);
  watch.check();
});

test('create a project and add the scanner, picking the repository with the arrow keys', async () => {
  await tabTo(named('Projects'), { back: true });
  await page.keyboard.press('Enter');
  await tabTo(named('New project'));
  await page.keyboard.press('Enter');
  await focusIs((f) => f.id, 'project-name');
  await page.keyboard.type('keyboard-app');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /keyboard-app/ }).waitFor();

  await tabTo(named('Settings'));
  await page.keyboard.press('Enter');
  await page.getByText('No scanners').waitFor();
  await tabTo(named('Add Scanner'));
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Add Scanner — type' }).waitFor();
  await focusIs((f) => /^SCA/.test(f.name), true, 'the SCA choice has the focus');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Add Scanner — SCA' }).waitFor();
  await focusIs((f) => /^JFrog Xray SCA/.test(f.name), true, 'the JFrog Xray SCA choice has the focus');
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner' });
  await drawer.waitFor();
  await focusIs((f) => f.id, 'sc-env');

  await page.keyboard.press('Tab');
  await focusIs((f) => [f.id, f.role], ['sc-repo', 'combobox']);
  await page.keyboard.type('local');
  const list = drawer.getByRole('listbox', { name: 'Repositories' });
  await list.getByRole('option', { name: /debian-local/ }).waitFor();
  // Escape closes the list and only the list.
  await page.keyboard.press('Escape');
  await list.waitFor({ state: 'detached' });
  assert.equal(await drawer.count(), 1, 'the drawer stays open');
  const combo = drawer.getByRole('combobox', { name: 'Repository Key' });
  await page.keyboard.press('ArrowDown');
  await list.getByRole('option', { name: /npm-local/ }).waitFor();
  let active = '';
  for (let i = 0; i < 6 && !active.includes('npm-local'); i++) {
    await page.keyboard.press('ArrowDown');
    const id = await combo.getAttribute('aria-activedescendant');
    active = id ? await page.locator(`#${id}`).innerText() : '';
    if (active.includes('debian-local')) assert.match(active, /not indexed/);
  }
  assert.match(active, /npm-local/, 'the arrows reach npm-local');
  await screenshot(page, 'keyboard-03-repository-list');
  await page.keyboard.press('Enter');
  assert.equal(await combo.inputValue(), 'npm-local');
  await list.waitFor({ state: 'detached' });

  await tabTo(named('Save scanner'));
  await page.keyboard.press('Enter');
  await drawer.waitFor({ state: 'detached' });
  await focusIs((f) => f.name, 'Add Scanner', 'the focus is back on Add Scanner');
  await page.getByRole('row', { name: /npm-local/ }).waitFor();
  const pid = (await server.api('GET', '/projects')).projects[0].id;
  const { scanners } = await server.api('GET', `/projects/${pid}/scanners`);
  assert.deepEqual(scanners.map((s) => [s.repository_key, s.branch]), [['npm-local', 'main']]);
  watch.check();
});

test('run the scan, open a finding from its row and triage it, all by keyboard', async () => {
  await tabTo(named('Scans'), { back: true });
  await page.keyboard.press('Enter');
  await tabTo(named('Start scan'));
  await page.keyboard.press('Enter');
  await page.locator('table.scans tbody tr').first().getByText('Finished').waitFor({ timeout: 30000 });

  await tabTo(named('Findings'), { back: true });
  await page.keyboard.press('Enter');
  await page.getByText('2 findings').waitFor();
  const row = await tabTo((f) => f.tag === 'TR' && f.text.includes('XRAY-1001'));
  assert.ok(row, 'a finding row is a Tab stop');
  await page.keyboard.press('Space');
  const drawer = page.getByRole('dialog', { name: 'XRAY-1001 in lodash' });
  await drawer.getByText('CVE-2021-23337').waitFor();
  await focusIs((f) => f.dialog, 'XRAY-1001 in lodash');

  await tabTo((f) => f.id === 'triage-state');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await drawer.locator('#triage-state').inputValue(), 'not_affected');
  await page.keyboard.press('Tab');
  await focusIs((f) => f.id, 'triage-reason');
  await page.keyboard.type('The vulnerable function is never called');
  await tabTo(named('Apply'));
  await page.keyboard.press('Enter');
  await drawer.getByText(/Currently Not affected/).waitFor();
  await screenshot(page, 'keyboard-04-triaged');

  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  await focusIs((f) => f.tag === 'TR' && f.text.includes('XRAY-1001'), true, 'the focus is back on the row');
  await page.getByRole('row', { name: /XRAY-1001/ }).getByText('Not affected').waitFor();
  const pid = (await server.api('GET', '/projects')).projects[0].id;
  const { findings } = await server.api('GET', `/projects/${pid}/findings`);
  const t = findings.find((x) => x.vulnerability_key === 'XRAY-1001').triage;
  assert.deepEqual([t.state, t.reason], ['not_affected', 'The vulnerable function is never called']);
  watch.check();
});
