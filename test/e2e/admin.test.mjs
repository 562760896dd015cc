// Administration in a real Chromium: add a user, create an API token that is shown once (with a
// working copy button), and revoke a token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, startStaticServer } from './harness.mjs';
import { createMockApi } from './mock_api.mjs';

const PASSWORD = 'correct horse battery';
let server, browser, context, page, errors, mock;

before(async () => {
  mock = createMockApi({ password: PASSWORD });
  server = await startStaticServer({ api: mock.handler });
  ({ browser, context, page, errors } = await launchBrowser());
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.goto(server.url + '/#/admin');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('users and tokens', async () => {
  const users = page.getByRole('form', { name: 'New user' });
  await page.getByRole('cell', { name: 'kdt-nightly' }).waitFor();
  await users.getByLabel('Username').fill('dev1');
  await users.getByLabel('Password').fill('short');
  await users.getByRole('button', { name: 'Add user' }).click();
  await page.getByText('A user needs a username and a password of at least 8 characters.').waitFor();
  await users.getByLabel('Password').fill('long enough password');
  await users.locator('#new-role').selectOption('viewer');
  await users.getByRole('button', { name: 'Add user' }).click();
  await page.getByRole('cell', { name: 'dev1' }).waitFor();
  assert.deepEqual(mock.data.users.at(-1).role, 'viewer');

  const tokens = page.getByRole('form', { name: 'New token' });
  await tokens.getByLabel('Name').fill('ci-pipeline');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = page.locator('.token-once code.secret');
  await secret.waitFor();
  const value = await secret.innerText();
  assert.match(value, /^bwk_[0-9a-f]{48}$/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
  await screenshot(page, 'admin-token-created');

  page.once('dialog', (d) => d.accept());
  await page.getByRole('row', { name: /kdt-nightly/ }).getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('cell', { name: 'kdt-nightly' }).waitFor({ state: 'detached' });
  assert.deepEqual(mock.data.tokens.map((t) => t.name), ['ci-pipeline']);

  await page.reload();
  await page.getByRole('cell', { name: 'ci-pipeline' }).waitFor();
  assert.equal(await page.locator('.token-once').count(), 0, 'a token is shown only once');
  assert.deepEqual(errors.filter((e) => !/401 \(Unauthorized\)/.test(e)), []);
});
