// The integration guide, screen by screen, in a real Chromium against a real `bulwark serve` and
// the fake JFrog Platform: sign in with the first-start password, activate and configure JFrog
// Xray SCA, Test Connection (a wrong token's 401 diagnosis, then success with the Xray version),
// create a project, add the scanner from the live repository list, run the scan and follow it,
// open a finding and triage it, upload an export and see a malformed one rejected, sign out.
// The steps share one browser page and run in order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fixture, launchBrowser, screenshot, signIn, startBulwark, startFakeXray } from './harness.mjs';

const XRAY_VERSION = '3.107.8';
let xray, server, browser, page, watch;

before(async () => {
  xray = await startFakeXray();
  // The report behind the scan: two findings with CVSS vectors, fixed versions and impact paths.
  // A report takes 2.5 s to complete so the scan's progress is on screen for a while.
  await xray.configure({ dataset: { file: fixture('report.json') }, report_duration_ms: 2500,
                         xray_version: XRAY_VERSION });
  server = await startBulwark();
  browser = await launchBrowser();
  ({ page, watch } = browser);
  // Before sign-in the UI asks who is signed in; the answer is 401.
  watch.expectHttpError(401, /\/api\/v1\/me$/);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await xray?.close();
});

test('sign in with the password printed at the first start', async () => {
  await page.goto(server.url + '/');
  watch.expectHttpError(401, /\/api\/v1\/auth\/login$/);
  await signIn(page, 'admin', 'not-the-password');
  await page.getByRole('alert').filter({ hasText: /wrong username or password/i }).waitFor();
  await page.getByLabel('Password').fill(server.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('No projects yet').waitFor();
  await screenshot(page, 'guide-01-signed-in');
  watch.check();
});

test('activate JFrog Xray SCA, see a wrong token diagnosed, then Test Connection succeed', async () => {
  await page.getByRole('link', { name: 'Integrations' }).click();
  const card = page.getByRole('article', { name: 'JFrog Xray SCA' });
  for (const badge of ['KDT', 'Import', 'UI-Import', 'Bind']) {
    await card.locator('.badge', { hasText: new RegExp(`^${badge}$`) }).waitFor();
  }
  await card.getByRole('button', { name: 'Activate' }).click();
  const panel = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
  await panel.waitFor();
  assert.equal(await panel.getByLabel('URL').count(), 0, 'connection fields hidden while the API is off');
  await panel.getByText('Is API Enabled').click();
  await panel.getByLabel('Access Token').fill('expired-token');
  await panel.getByLabel('URL').fill(xray.url);
  await panel.getByRole('button', { name: 'Test Connection' }).click();
  const failure = panel.locator('[data-code=unauthorized]');
  await failure.waitFor();
  assert.match(await failure.innerText(), /Unauthorized \(401\).*rejected the access token \(401/s);
  assert.match(await failure.getAttribute('class'), /alert-error/);
  await screenshot(page, 'guide-02-test-401');

  await panel.getByLabel('Access Token').fill('good-token');
  await panel.getByRole('button', { name: 'Test Connection' }).click();
  const success = panel.locator('[data-code=ok]');
  await success.waitFor();
  assert.equal(await success.innerText(), `Connection successful — Xray ${XRAY_VERSION}`);
  assert.equal(await success.evaluate((el) => getComputedStyle(el).color), 'rgb(20, 83, 45)', 'green');
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByText('Settings saved.').waitFor();
  const stored = await server.api('GET', '/integrations/jfrogxraysca');
  assert.deepEqual({ active: stored.active, api: stored.api_enabled, token: stored.token_set },
                   { active: true, api: true, token: true });
  assert.ok(!JSON.stringify(stored).includes('good-token'), 'the token never comes back');
  await screenshot(page, 'guide-03-test-ok');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  watch.check();
});

test('a narrow screen keeps the settings usable and shows a stored token only as "set"', async () => {
  await page.setViewportSize({ width: 420, height: 860 });
  await page.getByRole('button', { name: 'JFrog Xray SCA settings' }).click();
  const panel = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
  await panel.getByLabel('URL').waitFor();
  assert.equal(await panel.getByLabel('Access Token').getAttribute('placeholder'), 'set');
  assert.equal(await panel.getByLabel('Access Token').inputValue(), '');
  await screenshot(page, 'guide-04-settings-narrow');
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1360, height: 860 });
  watch.check();
});

test('create a project', async () => {
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('button', { name: 'New project' }).click();
  const drawer = page.getByRole('dialog', { name: 'New project' });
  await drawer.getByRole('button', { name: 'Create project' }).click();
  await drawer.getByText('A project needs a name.').waitFor();
  await drawer.getByLabel('Name').fill('payments-service');
  await drawer.getByLabel('Description').fill('Card payments API');
  await drawer.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('heading', { name: /payments-service/ }).waitFor();
  await page.getByText('No findings yet', { exact: false }).waitFor();
  await screenshot(page, 'guide-05-project-created');
  watch.check();
});

test('add the JFrog Xray SCA scanner, picking the repository from the live list', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Add Scanner' }).click();
  await page.getByRole('button', { name: /^SCA/ }).click();
  await page.getByRole('button', { name: /^JFrog Xray SCA/ }).click();
  const drawer = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner' });
  await drawer.getByRole('button', { name: 'Save scanner' }).click();
  await drawer.getByText('Choose the repository to scan.').waitFor();
  await drawer.locator('#sc-repo').fill('local');
  const options = drawer.locator('.combo-list [role=option]');
  await options.filter({ hasText: 'debian-local' }).waitFor();
  assert.match(await options.filter({ hasText: 'debian-local' }).innerText(), /not indexed/);
  assert.doesNotMatch(await options.filter({ hasText: 'npm-local' }).innerText(), /not indexed/);
  await screenshot(page, 'guide-06-repository-list');
  await options.filter({ hasText: 'npm-local' }).click();
  assert.equal(await drawer.locator('#sc-repo').inputValue(), 'npm-local');
  await drawer.locator('#sc-env').selectOption('production');
  await drawer.locator('#sc-tag').fill('nightly');
  await drawer.getByRole('button', { name: 'Save scanner' }).click();
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: /npm-local/ }).waitFor();
  const projects = await server.api('GET', '/projects');
  const pid = projects.projects[0].id;
  const { scanners } = await server.api('GET', `/projects/${pid}/scanners`);
  assert.deepEqual(scanners.map((s) => [s.repository_key, s.branch, s.environment, s.scan_tag]),
                   [['npm-local', 'main', 'production', 'nightly']]);
  await screenshot(page, 'guide-07-scanner-added');
  watch.check();
});

test('run the scan, follow its progress, then see its findings and what is new', async () => {
  await page.getByRole('link', { name: 'Scans' }).click();
  await page.getByRole('button', { name: 'Start scan' }).click();
  await page.getByRole('progressbar').waitFor();
  await screenshot(page, 'guide-08-scan-running');
  await page.locator('table.scans tbody tr').first().getByText('Finished').waitFor({ timeout: 30000 });
  assert.equal(await page.getByRole('progressbar').count(), 0);
  const row = await page.locator('table.scans tbody tr').first().innerText();
  assert.match(row, /bind/);
  await screenshot(page, 'guide-09-scan-finished');

  // The scan's own page: its summary and the comparison with the previous scan (none: all new).
  await page.locator('table.scans tbody tr').first().getByRole('link').click();
  await page.getByRole('heading', { name: /^Scan \d+ Finished/ }).waitFor();
  await page.getByRole('tab', { name: 'New 2' }).waitFor();
  assert.equal(await page.locator('.diff tbody tr').count(), 2);
  assert.equal(await page.locator('.diff-missing').count(), 0, 'the scan diff is shown, not missing');
  await screenshot(page, 'guide-10-scan-page');

  await page.getByRole('link', { name: 'Findings' }).click();
  await page.getByText('2 findings').waitFor();
  const keys = await page.locator('table.findings tbody td:nth-child(2)').allInnerTexts();
  assert.deepEqual(keys, ['XRAY-1001', 'XRAY-1002']);
  await page.locator('#filter-severity').selectOption('medium');
  await page.getByText('1 findings').waitFor();
  await page.locator('#filter-severity').selectOption('');
  await page.getByText('2 findings').waitFor();
  await screenshot(page, 'guide-11-findings');
  watch.check();
});

test("open a finding's drawer and triage it", async () => {
  await page.getByRole('row', { name: /XRAY-1001/ }).click();
  const drawer = page.getByRole('dialog', { name: 'XRAY-1001 in lodash' });
  await drawer.getByText('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H').waitFor();
  await drawer.getByText('CVE-2021-23337').waitFor();
  await drawer.getByText('4.17.21').waitFor();
  await drawer.getByText('docker://app:1.0 → npm://lodash:4.17.15').waitFor();
  await drawer.locator('#triage-state').selectOption('risk_accepted');
  await drawer.locator('#triage-reason').fill('Only reachable from the admin console; upgrade planned');
  await drawer.getByRole('button', { name: 'Apply' }).click();
  await drawer.getByText('A risk acceptance needs an expiry date.').waitFor();
  await drawer.locator('#triage-expires').fill('2027-01-31');
  await drawer.getByRole('button', { name: 'Apply' }).click();
  await drawer.getByText(/Currently Risk accepted .*until/).waitFor();
  const { findings } = await server.api('GET', `/projects/${(await server.api('GET', '/projects')).projects[0].id}/findings`);
  const triaged = findings.find((f) => f.vulnerability_key === 'XRAY-1001');
  assert.equal(triaged.triage.state, 'risk_accepted');
  assert.equal(triaged.triage.reason, 'Only reachable from the admin console; upgrade planned');
  assert.match(triaged.triage.expires_at, /^2027-01-31/);
  await screenshot(page, 'guide-12-triaged');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: /XRAY-1001/ }).getByText('Risk accepted').waitFor();
  watch.check();
});

test('upload an export; a malformed file is rejected in plain words', async () => {
  await page.getByRole('link', { name: 'Import' }).click();
  watch.expectHttpError(422, /\/api\/v1\/projects\/\d+\/imports$/);
  await page.locator('#import-file').setInputFiles({ name: 'malformed.json', mimeType: 'application/json',
                                                       buffer: readFileSync(fixture('malformed.json')) });
  await page.getByRole('button', { name: 'Upload' }).click();
  const rejected = page.getByRole('alert').filter({ hasText: 'The file was rejected:' });
  await rejected.waitFor();
  assert.match(await rejected.innerText(), /malformed\.json: malformed JSON at line 3, column 23/);
  await screenshot(page, 'guide-13-import-rejected');

  await page.locator('#import-file').setInputFiles(fixture('ui_security_export.json'));
  await page.locator('#import-branch').fill('release');
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('status').filter({ hasText: /Uploaded.*scan \d+ is/ }).waitFor();
  await page.getByRole('status').filter({ hasText: 'detected format: xray-ui-security-export' }).waitFor();
  await page.getByRole('link', { name: 'Follow it' }).click();
  await page.getByRole('heading', { name: /^Scan \d+ Finished/ }).waitFor({ timeout: 30000 });
  await page.locator('.facts').getByText('ui-import').waitFor();
  await page.locator('.facts').getByText('release').waitFor();
  await screenshot(page, 'guide-14-import-finished');
  watch.check();
});

test('sign out', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  watch.expectHttpError(401, /\/api\/v1\/me$/);
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'guide-15-signed-out');
  watch.check();
});
