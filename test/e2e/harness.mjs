// Browser end-to-end harness: starts the server under test, launches Debian's Chromium through
// playwright-core, records console errors and saves screenshots.
//
// Server under test, first match wins:
//   BULWARK_E2E_URL=http://127.0.0.1:PORT   an already running server;
//   startBulwark({binary})                   a real `bulwark serve` on port 0 (binary from
//                                            BULWARK_BINARY, default build/test/bulwark);
//   startStaticServer({dist, api})           web/dist from a local static server on port 0 with
//                                            an in-process API handler (used until the REST API lands).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const require = createRequire(path.join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
export const outDir = process.env.BULWARK_E2E_OUT ?? path.join(repoRoot, 'build/e2e');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

/** Reads a request body as a Buffer. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends a JSON answer. */
export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/**
 * Serves `dist` (with the SPA fallback to index.html) and hands /api/ requests to `api(req, res)`.
 * Listens on 127.0.0.1 port 0; answers {url, close()}.
 */
export async function startStaticServer({ dist = process.env.BULWARK_WEB_DIST ?? path.join(repoRoot, 'web/dist'), api }) {
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html is missing: build the web UI first (npm --prefix web run build)`);
  }
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname.startsWith('/api/')) return await api(req, res, url);
      let file = path.join(dist, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
        file = path.join(dist, 'index.html');
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch (e) {
      sendJson(res, 500, { code: 'internal', message: String(e) });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Starts `bulwark serve --listen 127.0.0.1:0` with a fresh data directory and waits until it
 * prints the address it listens on. Answers {url, close(), output()}.
 */
export async function startBulwark({ binary = process.env.BULWARK_BINARY ?? path.join(repoRoot, 'build/test/bulwark'),
                                     args = [], timeoutMs = 20000 } = {}) {
  if (process.env.BULWARK_E2E_URL) return { url: process.env.BULWARK_E2E_URL, close: async () => {}, output: () => '' };
  if (!existsSync(binary)) throw new Error(`bulwark binary not found at ${binary}; set BULWARK_BINARY`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-'));
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...args],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bulwark did not report its address in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const on = (chunk) => {
      output += chunk;
      const m = output.match(/https?:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`bulwark exited with ${code}:\n${output}`)); });
  });
  return {
    url, output: () => output,
    close: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches headless Chromium and opens a page. Console errors and page errors are collected in
 * `errors` so a test can assert there were none.
 */
export async function launchBrowser({ viewport = { width: 1360, height: 860 } } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { browser, context, page, errors };
}

/** Saves a full-page screenshot as <outDir>/<name>.png and answers its path. */
export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
