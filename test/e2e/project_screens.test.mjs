// The project screens in a real Chromium against the mock API: overview with the trend chart,
// findings (filters, pagination, detail drawer, triage), scans followed live, Add Scanner with the
// live repository list, and an upload that is rejected and one that is accepted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startStaticServer } from './harness.mjs';
import { createMockApi } from './mock_api.mjs';

const PASSWORD = 'correct horse battery';
let server, browser, page, errors, mock;

before(async () => {
  mock = createMockApi({ password: PASSWORD, withProject: true });
  server = await startStaticServer({ api: mock.handler });
  ({ browser, page, errors } = await launchBrowser());
  await page.goto(server.url + '/#/projects');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const unexpected = (list) => list.filter((e) => !/401 \(Unauthorized\)|422 \(Unprocessable/.test(e));

test('projects list and overview with the trend chart', async () => {
  const row = page.getByRole('row', { name: /payments-service/ });
  await row.waitFor();
  assert.match(await row.innerText(), /111/);
  await screenshot(page, 'projects-list');
  await row.getByRole('link', { name: 'payments-service' }).click();
  await page.locator('.stat.risk .value', { hasText: '111' }).waitFor();
  assert.equal(await page.locator('.trend path.line-risk').count(), 1);
  await screenshot(page, 'project-overview');
});

test('findings: filter, paginate, open the drawer and triage with an expiry', async () => {
  await page.getByRole('link', { name: 'Findings' }).click();
  await page.getByText('60 findings').waitFor();
  assert.equal(await page.locator('table.findings tbody tr').count(), 50);
  await page.getByRole('button', { name: 'Next ›' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.findings tbody tr').length === 10);
  await page.locator('#filter-severity').selectOption('critical');
  await page.getByText('15 findings').waitFor();
  const chips = await page.locator('table.findings .chip').allInnerTexts();
  assert.ok(chips.length > 0 && chips.every((c) => c.toLowerCase() === 'critical'), chips.join());
  await screenshot(page, 'findings-filtered');

  await page.locator('table.findings tbody tr').first().click();
  const drawer = page.getByRole('dialog');
  await drawer.getByText('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H').waitFor();
  await drawer.getByText('npm://express:4.17.1', { exact: false }).waitFor();
  await drawer.locator('#triage-state').selectOption('risk_accepted');
  await drawer.locator('#triage-reason').fill('Not reachable from the public API; upgrade planned');
  await drawer.getByRole('button', { name: 'Apply' }).click();
  await drawer.getByText('A risk acceptance needs an expiry date.').waitFor();
  await drawer.locator('#triage-expires').fill('2027-01-31');
  await drawer.getByRole('button', { name: 'Apply' }).click();
  await drawer.getByText(/Currently Risk accepted by admin until/).waitFor();
  const triaged = mock.data.findings.find((f) => f.state === 'risk_accepted');
  assert.equal(triaged.triage.reason, 'Not reachable from the public API; upgrade planned');
  assert.match(triaged.triage.expires_at, /^2027-01-31/);
  await screenshot(page, 'finding-drawer');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
});

test('scans: a running scan is followed until it finishes; a failure shows its error', async () => {
  await page.getByRole('link', { name: 'Scans' }).click();
  await page.getByRole('progressbar').first().waitFor();
  await page.getByText(/is not indexed by Xray/).waitFor();
  await screenshot(page, 'scans-running');
  await page.waitForFunction(() => !document.querySelector('progress'), null, { timeout: 15000 });
  const first = await page.locator('table.scans tbody tr').first().innerText();
  assert.match(first, /Finished/);
  await screenshot(page, 'scans-finished');
});

test('settings: add the JFrog Xray SCA scanner, picking the repository from the live list', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Add Scanner' }).click();
  await page.getByRole('button', { name: /^SCA/ }).click();
  await page.getByRole('button', { name: /^JFrog Xray SCA/ }).click();
  const drawer = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner' });
  await drawer.getByRole('button', { name: 'Save scanner' }).click();
  await drawer.getByText('Choose the repository to scan.').waitFor();
  await drawer.locator('#sc-env').selectOption('staging');
  await drawer.locator('#sc-repo').fill('libs');
  const options = drawer.locator('.combo-list [role=option]');
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 2);
  assert.match(await options.nth(1).innerText(), /libs-snapshot-local[\s\S]*not indexed/);
  await drawer.locator('#sc-repo').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 5);
  assert.equal(await options.filter({ hasText: 'maven-virtual' }).getAttribute('aria-disabled'), 'true');
  await screenshot(page, 'add-scanner-repositories');
  await options.filter({ hasText: 'libs-release-local' }).click();
  await drawer.locator('#sc-branch').fill('develop');
  await drawer.locator('#sc-include').fill('com/acme/**\norg/acme/**');
  await drawer.getByText('Scan on a schedule').click();
  await drawer.locator('#sc-rec').selectOption('weekly');
  await drawer.getByText('Mon', { exact: true }).click();
  await drawer.locator('#sc-hook').fill('https://ci.example.com/hooks/bulwark');
  await drawer.getByRole('button', { name: 'Save scanner' }).click();
  await drawer.waitFor({ state: 'detached' });
  const saved = mock.data.scanners.at(-1);
  assert.deepEqual({ repo: saved.repository_key, branch: saved.branch, env: saved.environment, inc: saved.include_patterns,
                     sched: saved.schedule, hook: saved.webhook.url },
                   { repo: 'libs-release-local', branch: 'develop', env: 'staging', inc: ['com/acme/**', 'org/acme/**'],
                     sched: { enabled: true, recurrence: 'weekly', interval: 1, days: ['mon'] },
                     hook: 'https://ci.example.com/hooks/bulwark' });
  await page.getByRole('row', { name: /develop/ }).waitFor();
  await screenshot(page, 'project-scanners');
});

test('import: a malformed file is rejected in plain words, a good one starts a scan', async () => {
  await page.getByRole('link', { name: 'Import' }).click();
  await page.locator('#import-file').setInputFiles({ name: 'results.json', mimeType: 'application/json',
                                                       buffer: Buffer.from('not json at all') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByText('The file was rejected: results.json: line 1 column 1: not a JSON document').waitFor();
  await screenshot(page, 'import-rejected');
  await page.locator('#import-file').setInputFiles({ name: 'xray.json', mimeType: 'application/json',
                                                       buffer: Buffer.from('{"rows": []}') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByText(/detected format: Xray UI export \(violations\): scan s9 is Waiting/).waitFor();
  assert.deepEqual(unexpected(errors), []);
});
