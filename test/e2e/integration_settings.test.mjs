// Sign in, open Integrations > Scanners > SCA, activate JFrog Xray SCA, turn the API on, and see
// Test Connection report a wrong token in red and a good one in green — in a real Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startStaticServer } from './harness.mjs';
import { createMockApi, GOOD_TOKEN, XRAY_VERSION } from './mock_api.mjs';

const PASSWORD = 'correct horse battery';
let server, browser, page, errors, mock;

before(async () => {
  mock = createMockApi({ password: PASSWORD });
  server = await startStaticServer({ api: mock.handler });
  ({ browser, page, errors } = await launchBrowser());
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Chromium reports every non-2xx fetch as a console error; the one expected is the session check
// before sign-in.
const unexpected = (list) => list.filter((e) => !/401 \(Unauthorized\)/.test(e));

test('sign in, configure JFrog Xray SCA and test the connection', async () => {
  await page.goto(server.url + '/');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  await screenshot(page, 'signin-error');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('No projects yet').waitFor();
  await screenshot(page, 'projects-empty');

  await page.getByRole('link', { name: 'Integrations' }).click();
  const card = page.getByRole('article', { name: 'JFrog Xray SCA' });
  for (const badge of ['KDT', 'Import', 'UI-Import', 'Bind']) {
    await card.locator('.badge', { hasText: new RegExp(`^${badge}$`) }).waitFor();
  }
  await screenshot(page, 'integrations-inactive');
  await card.getByRole('button', { name: 'Activate' }).click();

  const panel = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
  await panel.waitFor();
  assert.equal(await panel.getByLabel('URL').count(), 0, 'connection fields hidden while the API is off');
  await panel.getByText('Is API Enabled').click();
  await panel.getByLabel('Access Token').fill('expired-token');
  await panel.getByLabel('URL').fill('https://acme.jfrog.io/xray/');
  await panel.getByRole('button', { name: 'Test Connection' }).click();
  const failure = panel.locator('[data-code=unauthorized]');
  await failure.waitFor();
  assert.match(await failure.innerText(), /401.*regenerate/);
  assert.match(await failure.getAttribute('class'), /alert-error/);
  await screenshot(page, 'integration-test-401');

  await panel.getByLabel('Access Token').fill(GOOD_TOKEN);
  await panel.getByRole('button', { name: 'Test Connection' }).click();
  const success = panel.locator('[data-code=ok]');
  await success.waitFor();
  assert.equal(await success.innerText(), `Connection successful — Xray ${XRAY_VERSION}`);
  const color = await success.evaluate((el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(20, 83, 45)', 'success is shown in green');

  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByText('Settings saved.').waitFor();
  assert.equal(mock.integration.token_set, true);
  assert.equal(mock.integration.api_enabled, true);
  await screenshot(page, 'integration-test-ok');

  const changing = mock.log.filter((r) => !r.route.startsWith('GET') && r.route !== 'POST /api/v1/auth/login');
  assert.ok(changing.length >= 4);
  for (const r of changing) assert.ok(r.csrf, `${r.route} carries X-CSRF-Token`);
  assert.deepEqual(unexpected(errors), []);
});

test('a narrow screen keeps the settings usable', async () => {
  await page.setViewportSize({ width: 420, height: 860 });
  await page.reload();
  await page.getByRole('button', { name: 'JFrog Xray SCA settings' }).click();
  const panel = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
  await panel.getByLabel('URL').waitFor();
  assert.equal(await panel.getByLabel('Access Token').getAttribute('placeholder'), 'set',
               'a stored token shows as "set" and is never displayed');
  assert.equal(await panel.getByLabel('Access Token').inputValue(), '');
  await screenshot(page, 'integration-settings-narrow');
  assert.deepEqual(unexpected(errors), []);
});
