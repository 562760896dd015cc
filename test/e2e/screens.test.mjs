// Every main screen on a laptop (1366x768) and a narrow phone-sized screen (390x844), in a real
// Chromium against a real `bulwark serve`: the page never scrolls sideways (wide tables scroll in
// their own box), the navigation folds into a Menu button on the narrow screen and stays
// reachable, and drawers fit the screen. The UI fetches nothing from any other host. Screenshots
// of each screen go to <build>/e2e/screens-<size>-<screen>.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importFixture, launchBrowser, screenshot, signIn, startBulwark, startFakeXray } from './harness.mjs';

const SIZES = { laptop: { width: 1366, height: 768 }, narrow: { width: 390, height: 844 } };
let xray, server, browser, page, watch, project, scan, scanner;
const foreign = [];

before(async () => {
  xray = await startFakeXray();
  server = await startBulwark();
  await server.api('PUT', '/integrations/jfrogxraysca',
                   { active: true, api_enabled: true, url: xray.url, access_token: 'good-token' });
  project = await server.api('POST', '/projects', {
    name: 'customer-portal-frontend-and-backend-monorepo',
    description: 'The customer portal: single-page app, API gateway and the account service',
    default_branch: 'main' });
  scan = await importFixture(server, project.id, 'report.json');
  scanner = await server.api('POST', `/projects/${project.id}/scanners`, {
    tool: 'jfrogxraysca', repository_key: 'libs-release-local', branch: 'release/2026-q4-long-branch-name',
    environment: 'production', schedule: { enabled: true, recurrence: 'daily', interval: 1 } });
  browser = await launchBrowser({ viewport: SIZES.laptop });
  ({ page, watch } = browser);
  watch.expectHttpError(401, /\/api\/v1\/me$/);
  const origin = new URL(server.url).origin;
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:')) foreign.push(u);
  });
  await page.goto(server.url + '/');
  await signIn(page, 'admin', server.password);
  await page.getByRole('row', { name: /customer-portal/ }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await xray?.close();
});

/** The screens and what shows that each has loaded. */
const screens = () => [
  { name: 'projects', path: '/projects', ready: () => page.getByRole('row', { name: /customer-portal/ }) },
  { name: 'integrations', path: '/integrations', ready: () => page.getByRole('article', { name: 'JFrog Xray SCA' }) },
  { name: 'admin', path: '/admin', ready: () => page.getByRole('cell', { name: 'admin-initial', exact: true }) },
  { name: 'overview', path: `/projects/${project.id}/overview`, ready: () => page.locator('.trend, .stat.risk').first() },
  { name: 'findings', path: `/projects/${project.id}/findings`, ready: () => page.getByText('2 findings') },
  { name: 'scans', path: `/projects/${project.id}/scans`, ready: () => page.locator('table.scans tbody tr').first() },
  { name: 'scan', path: `/projects/${project.id}/scans/${scan.id}`, ready: () => page.getByRole('heading', { name: /^Scan \d+ Finished/ }) },
  { name: 'import', path: `/projects/${project.id}/import`, ready: () => page.locator('#import-file') },
  { name: 'settings', path: `/projects/${project.id}/settings`, ready: () => page.getByRole('row', { name: /libs-release-local/ }) },
];

/** Answers how the page and its tables fit the window. */
function layout() {
  return page.evaluate(() => {
    const wide = [...document.querySelectorAll('table')].filter((t) => {
      const box = t.closest('.table-wrap, .drawer-body');
      return !box && t.getBoundingClientRect().right > innerWidth;
    }).length;
    const scrollers = [...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1);
    return {
      pageWidth: document.scrollingElement.scrollWidth, innerWidth,
      tablesPastEdge: wide,
      scrollersNotFocusable: scrollers.filter((w) => w.tabIndex !== 0 || w.getAttribute('role') !== 'region').length,
    };
  });
}

async function assertFits(what) {
  const l = await layout();
  assert.ok(l.pageWidth <= l.innerWidth, `${what}: the page is ${l.pageWidth}px wide in a ${l.innerWidth}px window`);
  assert.equal(l.tablesPastEdge, 0, `${what}: a table reaches past the window outside a scroll box`);
  assert.equal(l.scrollersNotFocusable, 0, `${what}: a table box that scrolls is not a focusable region`);
}

/** Asserts the open drawer lies inside the window and its content does not scroll sideways. */
async function assertDrawerFits(dialog, what) {
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  const width = page.viewportSize().width;
  assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `${what}: drawer ${box.x}+${box.width} in ${width}px`);
  const body = dialog.locator('.drawer-body');
  const { sw, cw } = await body.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
  assert.ok(sw <= cw, `${what}: the drawer content is ${sw}px wide in ${cw}px`);
  await assertFits(what);
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`every main screen fits a ${size} screen (${viewport.width}x${viewport.height})`, async () => {
    await page.setViewportSize(viewport);
    for (const s of screens()) {
      await page.goto(`${server.url}/#${s.path}`);
      await s.ready().waitFor();
      await assertFits(`${size} ${s.name}`);
      await screenshot(page, `screens-${size}-${s.name}`);
    }
    watch.check();
  });

  test(`drawers fit a ${size} screen`, async () => {
    await page.setViewportSize(viewport);
    await page.goto(`${server.url}/#/projects/${project.id}/findings`);
    await page.getByRole('row', { name: /XRAY-1001/ }).click();
    const finding = page.getByRole('dialog', { name: 'XRAY-1001 in lodash' });
    await finding.getByText('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H').waitFor();
    await assertDrawerFits(finding, `${size} finding drawer`);
    await screenshot(page, `screens-${size}-finding-drawer`);
    await page.keyboard.press('Escape');
    await finding.waitFor({ state: 'detached' });

    await page.goto(`${server.url}/#/projects/${project.id}/settings`);
    await page.getByRole('row', { name: /libs-release-local/ }).getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('dialog', { name: 'JFrog Xray SCA scanner libs-release-local' });
    await form.locator('#sc-rec').waitFor();
    await assertDrawerFits(form, `${size} scanner drawer`);
    const save = await form.getByRole('button', { name: 'Save changes' }).boundingBox();
    assert.ok(save.y + save.height <= viewport.height, `${size}: the drawer's Save button is on screen`);
    await screenshot(page, `screens-${size}-scanner-drawer`);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });

    await page.goto(`${server.url}/#/integrations`);
    await page.getByRole('button', { name: 'JFrog Xray SCA settings' }).click();
    const settings = page.getByRole('dialog', { name: 'JFrog Xray SCA settings' });
    await settings.getByLabel('URL').waitFor();
    await assertDrawerFits(settings, `${size} Xray settings drawer`);
    await screenshot(page, `screens-${size}-xray-drawer`);
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
    watch.check();
  });
}

test('the laptop screen shows the navigation; the narrow one folds it into a Menu button', async () => {
  await page.setViewportSize(SIZES.laptop);
  await page.goto(`${server.url}/#/projects`);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await nav.getByRole('link', { name: 'Integrations' }).waitFor();
  assert.equal(await menu.isVisible(), false, 'no Menu button on a laptop');

  await page.setViewportSize(SIZES.narrow);
  await menu.waitFor();
  assert.equal(await nav.isVisible(), false, 'the navigation is folded');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('link', { name: 'Integrations' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await assertFits('narrow open menu');
  await screenshot(page, 'screens-narrow-menu-open');
  await nav.getByRole('link', { name: 'Integrations' }).click();
  await page.getByRole('article', { name: 'JFrog Xray SCA' }).waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'going to a screen folds the menu');
  assert.equal(await nav.isVisible(), false);

  // By keyboard: the Menu button is reachable and opens the navigation with Enter.
  await menu.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Projects');
  await page.keyboard.press('Enter');
  await page.getByRole('row', { name: /customer-portal/ }).waitFor();
  watch.check();
});

test('the UI fetched nothing from any other host', async () => {
  assert.deepEqual(foreign, []);
});
