// An in-memory stand-in for the /api/v1 routes the sign-in and integration screens call, following
// the documented contracts (session cookie, CSRF header on changing requests, {code, message}
// errors). It checks what the browser sends so the e2e test fails when the UI breaks the contract.
import { randomBytes } from 'node:crypto';
import { readBody, sendJson } from './harness.mjs';

export const GOOD_TOKEN = 'xray-token-with-manage-reports';
export const XRAY_VERSION = '3.104.8';

export function createMockApi({ username = 'admin', password = 'correct horse battery' } = {}) {
  const sessions = new Map(); // session id -> csrf token
  const integration = {
    tool: 'jfrogxraysca', name: 'JFrog Xray SCA', type: 'sca', methods: ['kdt', 'import', 'ui-import', 'bind'],
    active: false, api_enabled: false, url: '', insecure: false, token_set: false,
  };
  let storedToken = '';
  const log = [];

  const session = (req) => {
    const m = /(?:^|;\s*)bulwark_session=([^;]+)/.exec(req.headers.cookie ?? '');
    return m && sessions.has(m[1]) ? m[1] : null;
  };

  const handler = async (req, res, url) => {
    const route = `${req.method} ${url.pathname}`;
    const raw = await readBody(req);
    const body = raw.length ? JSON.parse(raw.toString()) : {};
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
      case 'GET /api/v1/projects': return sendJson(res, 200, { projects: [], total: 0, next_cursor: null });
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
      default: return sendJson(res, 404, { code: 'not_found', message: `No route ${route} in the mock API.` });
    }
  };
  return { handler, log, integration };
}
