// Browser end-to-end harness: starts the real `bulwark serve` (fresh temporary data directory,
// SQLite, 127.0.0.1 port 0) and the fake JFrog Platform (`fake-xray`, port 0), launches Debian's
// Chromium through playwright-core, watches the console, and saves screenshots.
//
// Binaries (CMake passes them to the web_e2e test):
//   BULWARK_BINARY    the bulwark binary           (default build/test/bulwark)
//   BULWARK_FAKE_XRAY the fake-xray binary         (default build/test/test/fakes/fake_xray/fake-xray)
//   BULWARK_E2E_OUT   where screenshots go         (default build/e2e)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const require = createRequire(path.join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
export const outDir = path.resolve(process.env.BULWARK_E2E_OUT ?? path.join(repoRoot, 'build/e2e'));
export const fixture = (name) => path.join(repoRoot, 'test/fixtures/xray', name);

/**
 * Spawns `binary args` and waits until its output matches `ready` (a RegExp); answers the child,
 * the match and a function returning all output so far. Fails with the output when the process
 * exits first or nothing matches within `timeoutMs`.
 */
async function spawnUntil(binary, args, ready, { timeoutMs = 30000, env = {} } = {}) {
  if (!existsSync(binary)) throw new Error(`${binary} not found; build it first or set the variable naming it`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const match = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(binary)} was not ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const on = (chunk) => {
      output += chunk;
      const m = output.match(ready);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${path.basename(binary)} exited with ${code}:\n${output}`)); });
  });
  child.removeAllListeners('exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
  };
  return { child, match, output: () => output, stop };
}

/**
 * Starts the fake JFrog Platform on port 0. Answers {url, configure(body), state(), close()};
 * `configure` posts to its /__fake/config control endpoint.
 */
export async function startFakeXray({ binary = process.env.BULWARK_FAKE_XRAY ??
                                        path.join(repoRoot, 'build/test/test/fakes/fake_xray/fake-xray') } = {}) {
  const p = await spawnUntil(binary, ['--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const url = p.match[1];
  const control = async (method, route, body) => {
    const res = await fetch(url + route, { method, body: body && JSON.stringify(body),
                                           headers: body ? { 'Content-Type': 'application/json' } : {} });
    if (!res.ok) throw new Error(`fake-xray ${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json().catch(() => ({}));
  };
  return {
    url, output: p.output,
    configure: (body) => control('POST', '/__fake/config', body),
    state: () => control('GET', '/__fake/state'),
    close: p.stop,
  };
}

/**
 * Starts `bulwark serve` on 127.0.0.1 port 0 with a fresh data directory (SQLite) and webhooks
 * allowed to reach private networks (the tests' receivers are on loopback). Answers {url,
 * password, token, api(method, path, body), output(), close()} with the first start's admin
 * password and API token read from its output.
 */
export async function startBulwark({ binary = process.env.BULWARK_BINARY ?? path.join(repoRoot, 'build/test/bulwark') } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-'));
  let p;
  try {
    p = await spawnUntil(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
                                  '--webhook-allow-private-networks', 'true'],
                         /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const url = p.match[1];
  const out = p.output();
  const password = out.match(/Password: +(\S+)/)?.[1];
  const token = out.match(/API token: +(\S+)/)?.[1];
  if (!password || !token) throw new Error(`bulwark printed no first-start credentials:\n${out}`);
  /** Calls the REST API with the admin token; FormData bodies go as multipart. */
  const api = async (method, route, body, { ok = true } = {}) => {
    const headers = { Authorization: `Bearer ${token}` };
    let payload = body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(url + '/api/v1' + route, { method, headers, body: payload });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (ok && !res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return ok ? data : { status: res.status, body: data };
  };
  return {
    url, password, token, api, dataDir, output: p.output,
    close: async () => { await p.stop(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** Uploads a fixture through the API as an import scan and waits until the scan has finished. */
export async function importFixture(server, projectId, name, { branch = 'main' } = {}) {
  const form = new FormData();
  form.set('tool', 'jfrogxraysca');
  form.set('branch', branch);
  form.set('file', new Blob([readFileSync(fixture(name))], { type: 'application/json' }), name);
  const scan = await server.api('POST', `/projects/${projectId}/imports`, form);
  return waitForScan(server, scan.id);
}

/** Polls a scan until it reaches a final state (the condition, not a fixed sleep). */
export async function waitForScan(server, id, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scan = await server.api('GET', `/scans/${id}`);
    if (['finished', 'failed', 'canceled'].includes(scan.state)) {
      if (scan.state !== 'finished') throw new Error(`scan ${id} ended ${scan.state}: ${scan.error}`);
      return scan;
    }
    if (Date.now() > deadline) throw new Error(`scan ${id} still ${scan.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Watches a page's console. Every console error fails the test at check() except the browser's
 * own "Failed to load resource" line for an HTTP status the test declared with expectHttpError —
 * Chromium logs every non-2xx fetch that way, also the ones the UI handles on purpose.
 */
export class ConsoleWatch {
  constructor(page) {
    this.errors = [];
    this.expected = [];
    this.always = [];
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push({ text: m.text(), url: m.location()?.url ?? '' });
    });
    page.on('pageerror', (e) => this.errors.push({ text: `uncaught: ${e}`, url: '' }));
  }
  /** Declares that a request to a URL matching `urlPattern` may answer `status` in this test
   *  (until the next check()), or in every test with `{ always: true }`. */
  expectHttpError(status, urlPattern, { always = false } = {}) {
    (always ? this.always : this.expected).push({ status, urlPattern });
  }
  /** Throws on any console error not declared; then starts afresh for the next test. */
  check() {
    const unexpected = this.errors.filter((e) => {
      const m = e.text.match(/^Failed to load resource: the server responded with a status of (\d+)/);
      return !(m && [...this.expected, ...this.always].some((x) => x.status === Number(m[1]) && x.urlPattern.test(e.url)));
    });
    this.errors = [];
    this.expected = [];
    if (unexpected.length) {
      throw new Error(`console errors:\n${unexpected.map((e) => `${e.text} (${e.url})`).join('\n')}`);
    }
  }
}

/** Launches headless Chromium with a fresh profile and opens a page with a ConsoleWatch. */
export async function launchBrowser({ viewport = { width: 1360, height: 860 } } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'bulwark-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const watch = new ConsoleWatch(page);
  return {
    context, page, watch,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** Saves a full-page screenshot as <outDir>/<name>.png, prints and answers its path. */
export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}

/** Signs in through the form. */
export async function signIn(page, username, password) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
