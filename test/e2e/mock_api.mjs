// An in-memory stand-in for the /api/v1 routes the sign-in and integration screens call, following
// the documented contracts (session cookie, CSRF header on changing requests, {code, message}
// errors). It checks what the browser sends so the e2e test fails when the UI breaks the contract.
import { randomBytes } from 'node:crypto';
import { readBody, sendJson } from './harness.mjs';

export const GOOD_TOKEN = 'xray-token-with-manage-reports';
export const XRAY_VERSION = '3.104.8';

export function createMockApi({ username = 'admin', password = 'correct horse battery', withProject = false } = {}) {
  const sessions = new Map(); // session id -> csrf token
  const integration = {
    tool: 'jfrogxraysca', name: 'JFrog Xray SCA', type: 'sca', methods: ['kdt', 'import', 'ui-import', 'bind'],
    active: false, api_enabled: false, url: '', insecure: false, token_set: false,
  };
  let storedToken = '';
  const log = [];
  const data = projectData(withProject);

  const session = (req) => {
    const m = /(?:^|;\s*)bulwark_session=([^;]+)/.exec(req.headers.cookie ?? '');
    return m && sessions.has(m[1]) ? m[1] : null;
  };

  const handler = async (req, res, url) => {
    const route = `${req.method} ${url.pathname}`;
    const raw = await readBody(req);
    const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
    const body = raw.length && !multipart ? JSON.parse(raw.toString()) : {};
    log.push({ route, body, csrf: req.headers['x-csrf-token'] ?? null });
    if (route === 'POST /api/v1/auth/login') {
      if (body.username !== username || body.password !== password) {
        return sendJson(res, 401, { code: 'unauthenticated', message: 'Wrong username or password.' });
      }
      const sid = randomBytes(16).toString('hex');
      const csrf = randomBytes(16).toString('hex');
      sessions.set(sid, csrf);
      return sendJson(res, 200, { user: { username, role: 'admin' }, csrf_token: csrf },
                      { 'Set-Cookie': `bulwark_session=${sid}; HttpOnly; SameSite=Strict; Path=/` });
    }
    const sid = session(req);
    if (!sid) return sendJson(res, 401, { code: 'unauthenticated', message: 'Sign in first.' });
    if (req.method !== 'GET' && req.headers['x-csrf-token'] !== sessions.get(sid)) {
      return sendJson(res, 403, { code: 'permission_denied', message: 'Missing or wrong X-CSRF-Token header.' });
    }
    switch (route) {
      case 'GET /api/v1/me': return sendJson(res, 200, { user: { username, role: 'admin' }, csrf_token: sessions.get(sid) });
      case 'POST /api/v1/auth/logout': sessions.delete(sid); return sendJson(res, 204);
      case 'GET /api/v1/integrations/jfrogxraysca': return sendJson(res, 200, integration);
      case 'PUT /api/v1/integrations/jfrogxraysca': {
        for (const k of ['active', 'api_enabled', 'url', 'insecure']) if (k in body) integration[k] = body[k];
        if (body.access_token) { storedToken = body.access_token; integration.token_set = true; }
        return sendJson(res, 200, integration);
      }
      case 'POST /api/v1/integrations/jfrogxraysca/test': {
        const enabled = body.api_enabled ?? integration.api_enabled;
        if (!enabled) return sendJson(res, 200, { ok: false, code: 'api_disabled', message: 'The API is disabled (import-only mode).' });
        const token = body.access_token || storedToken;
        if (token !== GOOD_TOKEN) {
          return sendJson(res, 200, { ok: false, code: 'unauthorized',
            message: 'Xray answered 401: the token is invalid or expired; regenerate it in the JFrog Platform.' });
        }
        return sendJson(res, 200, { ok: true, code: 'ok', message: 'Connection successful', xray_version: XRAY_VERSION });
      }
      default: {
        const answer = data.route(req.method, url, body, raw, multipart);
        if (answer) return sendJson(res, answer[0], answer[1]);
        return sendJson(res, 404, { code: 'not_found', message: `No route ${route} in the mock API.` });
      }
    }
  };
  return { handler, log, integration, data };
}

const SEV = ['critical', 'high', 'medium', 'low', 'info'];
const day = (n) => new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString();

// One project with scans, scanners and findings, for the project screens.
function projectData(withProject) {
  const project = { id: 'p1', name: 'payments-service', description: 'Card payment API', default_branch: 'main',
                    summary: { critical: 2, high: 5, medium: 9, low: 4, info: 1 }, risk_score: 111 };
  const findings = Array.from({ length: 60 }, (_, i) => ({
    id: `f${i}`, branch: i % 5 ? 'main' : 'release-1.2', tool: 'jfrogxraysca', kind: i % 11 ? 'vulnerability' : 'license',
    severity: SEV[i % 4], state: i % 7 ? 'open' : 'new', vulnerability_key: `XRAY-${100000 + i * 37}`,
    component: ['lodash', 'jackson-databind', 'log4j-core', 'urllib3'][i % 4], component_version: `4.17.${i}`,
    summary: `Prototype pollution in component ${i}`, last_seen: day(20), first_seen: day(2),
  }));
  const detail = (f) => ({ ...f, description: 'A crafted payload lets an attacker modify Object.prototype.',
    cves: [{ id: 'CVE-2020-8203', cvss_v2_score: 5.8, cvss_v2_vector: 'AV:N/AC:M/Au:N/C:N/I:P/A:P',
             cvss_v3_score: 7.4, cvss_v3_vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' }],
    fixed_versions: ['[4.17.19]'], impacted_artifacts: ['docker://payments-service:1.4.2'],
    impact_paths: [['docker://payments-service:1.4.2', 'npm://express:4.17.1', `npm://${f.component}:${f.component_version}`]],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2020-8203'],
    history: [{ at: day(2), action: 'new', scan_id: 's1' }, { at: day(20), action: 'seen', scan_id: 's4' }] });
  const scans = [
    { id: 's4', project_id: 'p1', scanner_id: 'sc1', tool: 'jfrogxraysca', method: 'bind', branch: 'main', state: 'running',
      progress: 40, created_at: day(20) },
    { id: 's3', project_id: 'p1', scanner_id: 'sc1', tool: 'jfrogxraysca', method: 'bind', branch: 'main', state: 'failed',
      created_at: day(15), error: 'xray: repository "libs-snapshot-local" is not indexed by Xray; index it under Xray > Indexed Resources' },
    { id: 's2', project_id: 'p1', tool: 'jfrogxraysca', method: 'ui-import', branch: 'main', state: 'finished',
      summary: { critical: 2, high: 5, medium: 9, low: 4, info: 1 }, new: 6, fixed: 3, created_at: day(10) },
  ];
  const scanners = [{ id: 'sc1', tool: 'jfrogxraysca', environment: 'production', repository_key: 'libs-release-local',
                      branch: 'main', schedule: { enabled: true, recurrence: 'daily', interval: 1 } }];
  const repositories = [
    { key: 'docker-local', type: 'local', package_type: 'docker', indexed: true },
    { key: 'libs-release-local', type: 'local', package_type: 'maven', indexed: true },
    { key: 'libs-snapshot-local', type: 'local', package_type: 'maven', indexed: false },
    { key: 'npm-remote', type: 'remote', package_type: 'npm', indexed: true },
    { key: 'maven-virtual', type: 'virtual', package_type: 'maven', indexed: false },
  ];
  let polls = 0;
  const users = [{ username: 'admin', role: 'admin', created_at: day(0) }];
  const tokens = [{ id: 't1', name: 'kdt-nightly', created_at: day(1), expires_at: null, last_used_at: day(19) }];
  const route = (method, url, body, raw, multipart) => {
    const p = url.pathname.replace('/api/v1', '');
    const q = Object.fromEntries(url.searchParams);
    if (method === 'GET' && p === '/users') return [200, { users }];
    if (method === 'POST' && p === '/users') {
      if (users.some((u) => u.username === body.username)) return [409, { code: 'conflict', message: `user "${body.username}" exists` }];
      const u = { username: body.username, role: body.role, created_at: day(21) };
      users.push(u);
      return [201, u];
    }
    if (method === 'GET' && p === '/tokens') return [200, { tokens }];
    if (method === 'POST' && p === '/tokens') {
      const t = { id: `t${tokens.length + 1}`, name: body.name, created_at: day(21), expires_at: body.expires_at ?? null, last_used_at: null };
      tokens.push(t);
      return [201, { ...t, token: `bwk_${randomBytes(24).toString('hex')}` }];
    }
    const tm = /^\/tokens\/(t\d+)$/.exec(p);
    if (method === 'DELETE' && tm) {
      const i = tokens.findIndex((t) => t.id === tm[1]);
      if (i < 0) return [404, { code: 'not_found', message: 'no such token' }];
      tokens.splice(i, 1);
      return [204, undefined];
    }
    if (method === 'GET' && p === '/projects') {
      const projects = withProject ? [project] : [];
      return [200, { projects, total: projects.length, next_cursor: null }];
    }
    if (method === 'GET' && p === '/projects/p1') return [200, project];
    if (method === 'GET' && p === '/projects/p1/summary') {
      return [200, { by_severity: project.summary, by_state: { new: 4, open: 17, fixed: 12, false_positive: 2 },
        risk_score: 111, trend: [80, 95, 120, 131, 111].map((r, i) => ({ scan_id: `t${i}`, at: day(i * 4), risk_score: r,
          summary: { critical: 2, high: 3 + i, medium: 9, low: 4 } })) }];
    }
    if (method === 'GET' && p === '/projects/p1/findings') {
      let list = findings.filter((f) => (!q.severity || f.severity === q.severity) && (!q.branch || f.branch === q.branch) &&
        (!q.state || f.state === q.state) && (!q.kind || f.kind === q.kind) &&
        (!q.q || `${f.vulnerability_key} ${f.component}`.toLowerCase().includes(q.q.toLowerCase())));
      const start = Number(q.cursor ?? 0), limit = Number(q.limit ?? 50);
      const next = start + limit < list.length ? String(start + limit) : null;
      return [200, { findings: list.slice(start, start + limit), total: list.length, next_cursor: next }];
    }
    const fm = /^\/findings\/(f\d+)$/.exec(p);
    if (fm) {
      const f = findings.find((x) => x.id === fm[1]);
      if (!f) return [404, { code: 'not_found', message: 'no such finding' }];
      if (method === 'PATCH') {
        f.state = body.state;
        f.triage = { state: body.state, reason: body.reason, expires_at: body.expires_at, by: 'admin' };
      }
      return [200, detail(f)];
    }
    if (method === 'GET' && p === '/projects/p1/scans') {
      const running = scans.find((s) => s.state === 'running');
      if (running && ++polls >= 2) Object.assign(running, { state: 'finished', progress: 100, new: 2, fixed: 1,
        summary: { critical: 1, high: 4, medium: 9, low: 4, info: 1 } });
      return [200, { scans, total: scans.length, next_cursor: null }];
    }
    if (method === 'GET' && p === '/projects/p1/scanners') return [200, { scanners, total: scanners.length, next_cursor: null }];
    if (method === 'POST' && p === '/projects/p1/scanners') {
      const sc = { id: `sc${scanners.length + 1}`, ...body };
      scanners.push(sc);
      return [201, sc];
    }
    if (method === 'GET' && p === '/integrations/jfrogxraysca/repositories') {
      const needle = (q.q ?? '').toLowerCase();
      return [200, { repositories: repositories.filter((r) => r.key.toLowerCase().includes(needle)) }];
    }
    if (method === 'POST' && p === '/projects/p1/imports') {
      if (!multipart) return [400, { code: 'invalid_argument', message: 'expected multipart/form-data' }];
      const text = raw.toString();
      if (!text.includes('name="branch"') || !text.includes('name="tool"')) return [400, { code: 'invalid_argument', message: 'branch and tool are required' }];
      if (text.includes('not json at all')) {
        return [422, { code: 'data_loss', message: 'results.json: line 1 column 1: not a JSON document (expected an Xray export)' }];
      }
      const scan = { id: 's9', project_id: 'p1', tool: 'jfrogxraysca', method: 'ui-import', branch: 'main', state: 'waiting', source: 'xray.json', format: 'Xray UI export (violations)' };
      scans.unshift(scan);
      return [202, scan];
    }
    return null;
  };
  return { route, findings, scanners, users, tokens };
}
