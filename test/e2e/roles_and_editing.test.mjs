// Roles, editing and the scan diff in a real Chromium against a real `bulwark serve`: a viewer
// (created through the API) sees no control that changes anything; an admin edits a project and
// a scanner (every drawer field, PATCH), manages users and API tokens, and reads a scan's diff
// against the previous scan. The data comes in through the REST API with the admin token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importFixture, launchBrowser, screenshot, signIn, startBulwark } from './harness.mjs';

const VIEWER_PASSWORD = 'viewer password 1';
let server, browser, page, watch, project, scanner, firstScan;

before(async () => {
  server = await startBulwark();
  project = await server.api('POST', '/projects', { name: 'checkout', description: 'Checkout web app', default_branch: 'main' });
  firstScan = await importFixture(server, project.id, 'report.json');
  scanner = await server.api('POST', `/projects/${project.id}/scanners`,
                             { tool: 'jfrogxraysca', repository_key: 'npm-local', branch: 'main' });
  await server.api('POST', '/users', { username: 'val', password: VIEWER_PASSWORD, role: 'viewer' });
  browser = await launchBrowser();
  ({ page, watch } = browser);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  watch.expectHttpError(401, /\/api\/v1\/me$/);
  await page.goto(server.url + '/');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The names of the buttons inside `scope` (a locator), without the ones every screen has. */
async function buttons(scope) {
  const names = await scope.getByRole('button').allInnerTexts();
  return names.map((n) => n.trim()).filter((n) => n !== 'Sign out');
}

test('a viewer sees no create, edit, triage or start control', async () => {
  await signIn(page, 'val', VIEWER_PASSWORD);
  await page.getByRole('row', { name: /checkout/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'New project' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);

  await page.getByRole('link', { name: 'checkout' }).click();
  await page.locator('.stat.risk').waitFor();
  assert.deepEqual(await page.getByRole('navigation', { name: 'Project' }).getByRole('link').allInnerTexts(),
                   ['Overview', 'Findings', 'Scans', 'Settings'], 'no Import tab');

  await page.getByRole('link', { name: 'Findings' }).click();
  await page.getByText('2 findings').waitFor();
  await page.getByRole('row', { name: /XRAY-1001/ }).click();
  const drawer = page.getByRole('dialog', { name: 'XRAY-1001 in lodash' });
  await drawer.getByText('CVE-2021-23337').waitFor();
  assert.equal(await drawer.locator('#triage-state').count(), 0);
  assert.deepEqual(await buttons(drawer), ['✕']);
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: 'Scans' }).click();
  await page.locator('table.scans tbody tr').first().waitFor();
  assert.deepEqual(await buttons(page.locator('main')), []);
  await page.locator('table.scans tbody tr').first().getByRole('link').click();
  await page.getByRole('heading', { name: /^Scan \d+ Finished/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Rerun|Cancel|Start/ }).count(), 0);

  // Typed by hand, the Import route shows the overview: a viewer has no Import screen.
  await page.goto(`${server.url}/#/projects/${project.id}/import`);
  await page.locator('.stat.risk').waitFor();
  assert.equal(await page.locator('#import-file').count(), 0);

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('row', { name: /npm-local/ }).waitFor();
  assert.deepEqual(await buttons(page.locator('main')), []);
  assert.equal(await page.locator('#pf-name').getAttribute('readonly'), '');

  await page.getByRole('link', { name: 'Integrations' }).click();
  await page.getByRole('article', { name: 'JFrog Xray SCA' }).waitFor();
  assert.deepEqual(await buttons(page.getByRole('article')), []);
  await screenshot(page, 'roles-viewer-integrations');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  watch.check();
});

test('an admin edits the project: name, description and default branch', async () => {
  await signIn(page, 'admin', server.password);
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('row', { name: /checkout/ }).waitFor();
  await page.goto(`${server.url}/#/projects/${project.id}/settings`);
  const form = page.getByRole('form', { name: 'Project' });
  await form.getByLabel('Name').fill('checkout-web');
  await form.getByLabel('Description').fill('The checkout single-page app');
  await form.getByLabel('Default branch').fill('develop');
  await form.getByRole('button', { name: 'Save project' }).click();
  await form.getByText('Project saved.').waitFor();
  await page.getByRole('heading', { name: /checkout-web/ }).waitFor();
  const stored = await server.api('GET', `/projects/${project.id}`);
  assert.deepEqual([stored.name, stored.description, stored.default_branch],
                   ['checkout-web', 'The checkout single-page app', 'develop']);
  await screenshot(page, 'roles-admin-project-edited');
  watch.check();
});

test('an admin edits every field of a scanner', async () => {
  await page.getByRole('row', { name: /npm-local/ }).getByRole('button', { name: 'Edit' }).click();
  const drawer = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner npm-local' });
  assert.equal(await drawer.locator('#sc-branch').inputValue(), 'main');
  await drawer.locator('#sc-env').selectOption('staging');
  await drawer.locator('#sc-branch').fill('develop');
  await drawer.locator('#sc-include').fill('com/acme/**\norg/acme/**');
  await drawer.locator('#sc-exclude').fill('**/test/**');
  await drawer.locator('#sc-meta').fill('team=payments');
  await drawer.locator('#sc-tag').fill('release-42');
  await drawer.getByText('Scan on a schedule').click();
  await drawer.locator('#sc-rec').selectOption('weekly');
  await drawer.getByText('Mon', { exact: true }).click();
  await drawer.getByText('Thu', { exact: true }).click();
  // A receiver on loopback: this server allows private webhook targets.
  await drawer.locator('#sc-hook').fill('http://127.0.0.1:9/hooks/bulwark');
  await drawer.locator('#sc-secret').fill('hook-secret-1');
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await drawer.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: /develop/ }).getByText('Weekly').waitFor();
  const s = await server.api('GET', `/projects/${project.id}/scanners/${scanner.id}`);
  assert.deepEqual({ env: s.environment, branch: s.branch, inc: s.include_patterns, exc: s.exclude_patterns,
                     meta: s.meta_data, tag: s.scan_tag, rec: s.schedule.recurrence, days: s.schedule.days,
                     on: s.schedule.enabled, hook: s.webhook },
                   { env: 'staging', branch: 'develop', inc: ['com/acme/**', 'org/acme/**'], exc: ['**/test/**'],
                     meta: 'team=payments', tag: 'release-42', rec: 'weekly', days: ['mon', 'thu'], on: true,
                     hook: { url: 'http://127.0.0.1:9/hooks/bulwark', secret_set: true } });
  assert.ok(s.schedule.next_run_at, 'an enabled schedule has a next run');

  // Reopened, the drawer shows what is stored; saving again keeps the secret it does not show.
  await page.getByRole('row', { name: /develop/ }).getByRole('button', { name: 'Edit' }).click();
  const again = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner npm-local' });
  assert.equal(await again.locator('#sc-include').inputValue(), 'com/acme/**\norg/acme/**');
  assert.equal(await again.locator('#sc-secret').inputValue(), '');
  assert.equal(await again.locator('#sc-secret').getAttribute('placeholder'), 'set');
  // The test ping goes to the saved URL; nothing listens on port 9, so it fails and says why.
  await again.getByRole('button', { name: 'Send test ping' }).click();
  await again.getByRole('status').filter({ hasText: /Test ping to http:\/\/127\.0\.0\.1:9 failed: / }).waitFor();
  await again.locator('#sc-tag').fill('release-43');
  await again.getByRole('button', { name: 'Save changes' }).click();
  await again.waitFor({ state: 'detached' });
  const s2 = await server.api('GET', `/projects/${project.id}/scanners/${scanner.id}`);
  assert.equal(s2.scan_tag, 'release-43');
  assert.equal(s2.webhook.secret_set, true);
  await screenshot(page, 'roles-admin-edited');
  watch.check();
});

test("the scan page lists what changed since the previous scan", async () => {
  const second = await importFixture(server, project.id, 'simple_json.json');
  const answer = await server.api('GET', `/scans/${second.id}/diff?against=previous`, undefined, { ok: false });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const diff = answer.body;
  assert.equal(diff.against?.id, firstScan.id);
  await page.goto(`${server.url}/#/projects/${project.id}/scans/${second.id}`);
  await page.getByRole('heading', { name: /^Scan \d+ Finished/ }).waitFor();
  await page.getByRole('link', { name: `scan ${firstScan.id}` }).waitFor();
  const tabs = await page.locator('.diff [role=tab]').allInnerTexts();
  assert.deepEqual(tabs.map((x) => x.replace(/\s+/g, ' ').trim()),
                   [`New ${diff.counts.new}`, `Fixed ${diff.counts.fixed}`, `Unchanged ${diff.counts.unchanged}`]);
  await page.getByRole('tab', { name: /^Fixed/ }).click();
  assert.equal(await page.locator('.diff tbody tr').count(), diff.fixed.length);
  await screenshot(page, 'roles-scan-diff');
  watch.check();
});

test('an admin adds a user and creates an API token that is shown once', async () => {
  await page.getByRole('link', { name: 'Administration' }).click();
  const users = page.getByRole('form', { name: 'New user' });
  await page.getByRole('cell', { name: 'val', exact: true }).waitFor();
  await users.getByLabel('Username').fill('mo');
  await users.getByLabel('Password').fill('member password 1');
  await users.locator('#new-role').selectOption('member');
  await users.getByRole('button', { name: 'Add user' }).click();
  await page.getByRole('cell', { name: 'mo', exact: true }).waitFor();
  const { users: stored } = await server.api('GET', '/users');
  assert.equal(stored.find((u) => u.username === 'mo')?.role, 'member');

  const tokens = page.getByRole('form', { name: 'New token' });
  await tokens.getByLabel('Name').fill('ci-pipeline');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = page.locator('.token-once code.secret');
  await secret.waitFor();
  const value = await secret.innerText();
  assert.match(value, /^bwk_/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
  const me = await fetch(server.url + '/api/v1/me', { headers: { Authorization: `Bearer ${value}` } });
  assert.equal(me.status, 200, 'the token shown works against the API');
  await screenshot(page, 'roles-admin-token');

  page.once('dialog', (d) => d.accept());
  await page.getByRole('row', { name: /ci-pipeline/ }).getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('cell', { name: 'ci-pipeline', exact: true }).waitFor({ state: 'detached' });
  const revoked = await fetch(server.url + '/api/v1/me', { headers: { Authorization: `Bearer ${value}` } });
  assert.equal(revoked.status, 401, 'a revoked token stops working');
  await page.reload();
  await page.getByRole('cell', { name: 'admin-initial', exact: true }).waitFor();
  assert.equal(await page.locator('.token-once').count(), 0, 'a token is shown only once');
  watch.check();
});
