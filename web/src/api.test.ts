import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, query } from './api';

interface Call { url: string; init: RequestInit }

function fakeFetch(answers: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push({ url, init: init ?? {} });
    const [status, body] = answers.shift() ?? [500, { code: 'internal', message: 'no answer left' }];
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return { fn, calls };
}

function header(c: Call, name: string): string | undefined {
  return (c.init.headers as Record<string, string>)[name];
}

const session = { user: { username: 'ada', role: 'admin' }, csrf_token: 'csrf-123' };

describe('ApiClient', () => {
  it('sends the CSRF token from sign-in on changing requests only', async () => {
    const { fn, calls } = fakeFetch([[200, session], [200, { projects: [], total: 0 }], [201, { id: 'p1', name: 'app' }]]);
    const api = new ApiClient(fn, '/api/v1', null);
    await api.login('ada', 'pw');
    await api.listProjects();
    await api.createProject({ name: 'app' });
    expect(calls[0].url).toBe('/api/v1/auth/login');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ username: 'ada', password: 'pw' });
    expect(header(calls[1], 'X-CSRF-Token')).toBeUndefined();
    expect(header(calls[2], 'X-CSRF-Token')).toBe('csrf-123');
    expect(calls[2].init.method).toBe('POST');
  });

  it('turns an error body into an ApiError with code and message', async () => {
    const { fn } = fakeFetch([[409, { code: 'conflict', message: 'project "app" exists' }]]);
    const api = new ApiClient(fn, '/api/v1', null);
    const err = await api.createProject({ name: 'app' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'conflict', message: 'project "app" exists' });
  });

  it('reports 401 to the shell and forgets the CSRF token', async () => {
    const { fn, calls } = fakeFetch([[200, session], [401, { code: 'unauthenticated', message: 'expired' }], [200, {}]]);
    const api = new ApiClient(fn, '/api/v1', null);
    const onUnauthorized = vi.fn();
    api.onUnauthorized = onUnauthorized;
    await api.login('ada', 'pw');
    await expect(api.listTokens()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
    await api.updateIntegration({ active: true });
    expect(header(calls[2], 'X-CSRF-Token')).toBeUndefined();
  });

  it('does not treat a failed sign-in as an expired session', async () => {
    const { fn } = fakeFetch([[401, { code: 'unauthenticated', message: 'Wrong username or password.' }]]);
    const api = new ApiClient(fn, '/api/v1', null);
    api.onUnauthorized = vi.fn();
    await expect(api.login('ada', 'bad')).rejects.toThrow('Wrong username or password.');
    expect(api.onUnauthorized).not.toHaveBeenCalled();
  });

  it('says the server is unreachable when fetch fails', async () => {
    const api = new ApiClient(async () => { throw new TypeError('Failed to fetch'); }, '/api/v1', null);
    await expect(api.me()).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('keeps the CSRF token across page loads in session storage', async () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v),
                      removeItem: (k: string) => store.delete(k) } as unknown as Storage;
    const first = fakeFetch([[200, session]]);
    await new ApiClient(first.fn, '/api/v1', storage).login('ada', 'pw');
    const second = fakeFetch([[200, { ok: true, code: 'ok', message: 'Connection successful' }]]);
    await new ApiClient(second.fn, '/api/v1', storage).testIntegration();
    expect(header(second.calls[0], 'X-CSRF-Token')).toBe('csrf-123');
  });

  it('builds finding queries without empty parameters', async () => {
    const { fn, calls } = fakeFetch([[200, { findings: [], total: 0, next_cursor: null }]]);
    await new ApiClient(fn, '/api/v1', null).listFindings('p1', { severity: 'high', q: 'CVE-2021 44228', branch: '', cursor: undefined });
    expect(calls[0].url).toBe('/api/v1/projects/p1/findings?severity=high&q=CVE-2021%2044228');
    expect(query({})).toBe('');
  });

  it('uploads an export as multipart with tool and branch', async () => {
    const { fn, calls } = fakeFetch([[202, { id: 's1', state: 'waiting' }]]);
    const file = new File(['{"rows":[]}'], 'export.json', { type: 'application/json' });
    await new ApiClient(fn, '/api/v1', null).importFile('p1', { file, branch: 'main', scan_tag: 'nightly' });
    const form = calls[0].init.body as FormData;
    expect(calls[0].url).toBe('/api/v1/projects/p1/imports');
    expect(form.get('tool')).toBe('jfrogxraysca');
    expect(form.get('branch')).toBe('main');
    expect(form.get('scan_tag')).toBe('nightly');
    expect(form.get('source')).toBe('ui');
    expect((form.get('file') as File).name).toBe('export.json');
    expect(header(calls[0], 'Content-Type')).toBeUndefined();
  });

  it('asks for repositories with the search text', async () => {
    const { fn, calls } = fakeFetch([[200, { repositories: [] }]]);
    await new ApiClient(fn, '/api/v1', null).repositories('docker local');
    expect(calls[0].url).toBe('/api/v1/integrations/jfrogxraysca/repositories?q=docker%20local');
  });

  it('starts a scan with the scanner id as a JSON integer', async () => {
    const { fn, calls } = fakeFetch([[202, { id: 5, state: 'waiting' }]]);
    await new ApiClient(fn, '/api/v1', null).startScan('3', { scanner_id: '12' });
    expect(calls[0].url).toBe('/api/v1/projects/3/scans');
    expect(calls[0].init.body).toBe('{"scanner_id":12}');
  });

  it('edits a project and a scanner with PATCH and reads the scan diff against the previous scan', async () => {
    const { fn, calls } = fakeFetch([[200, { id: 3 }], [200, { id: 9 }], [200, { counts: {} }]]);
    const api = new ApiClient(fn, '/api/v1', null);
    await api.updateProject('3', { name: 'app', default_branch: 'develop' });
    await api.updateScanner('3', 9, { branch: 'develop' });
    await api.scanDiff(7);
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'PATCH /api/v1/projects/3', 'PATCH /api/v1/projects/3/scanners/9', 'GET /api/v1/scans/7/diff?against=previous']);
    expect(JSON.parse(calls[1].init.body as string)).toEqual({ branch: 'develop' });
  });
});
