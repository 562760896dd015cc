// Typed client for Bulwark's REST API (/api/v1). The browser holds a session cookie; every
// changing request carries the CSRF token handed out at sign-in. A 401 answer ends the session in
// the UI (the shell sends the user back to sign-in).

export type Role = 'admin' | 'member' | 'viewer';
export interface User { username: string; role: Role; created_at?: string }
export interface Session { user: User; csrf_token: string }

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export type SeverityCounts = Partial<Record<Severity, number>>;

export interface ApiToken {
  id: string | number; name: string; created_at?: string; expires_at?: string | null;
  last_used_at?: string | null;
}
export interface CreatedToken extends ApiToken { token: string }

export interface Integration {
  tool: string; name: string; type: string; methods: string[]; active: boolean;
  api_enabled: boolean; url: string; insecure: boolean; token_set: boolean;
}
export interface IntegrationUpdate {
  active?: boolean; api_enabled?: boolean; url?: string; access_token?: string; insecure?: boolean;
}
export interface ConnectionTest { ok: boolean; code: string; message: string; xray_version?: string }
export interface Repository {
  key: string; type: string; package_type: string; indexed: boolean | null; scannable?: boolean;
}

export interface Project {
  id: string; name: string; description?: string; default_branch?: string; created_at?: string;
  summary?: SeverityCounts; risk_score?: number;
}
export interface TrendPoint { scan_id: string; at: string; risk_score: number; summary: SeverityCounts }
export interface ProjectSummary {
  by_severity: SeverityCounts; by_state: Record<string, number>; risk_score: number;
  trend: TrendPoint[];
}

export interface Schedule {
  enabled: boolean; recurrence?: 'hourly' | 'daily' | 'weekly' | 'monthly'; interval?: number;
  days?: string[];
}
export interface Webhook { url: string; secret?: string; secret_set?: boolean }
export interface WebhookPing {
  delivery_id: string; event: string; target: string; signed: boolean; delivered: boolean;
  outcome: 'delivered' | 'failed'; retryable: boolean; status: number | null; latency_ms: number;
  response_snippet: string; error: string;
}
export interface Scanner {
  id: string | number; tool: string; environment?: string; repository_key: string; branch: string;
  include_patterns?: string[]; exclude_patterns?: string[]; meta_data?: string; scan_tag?: string;
  schedule?: Schedule & { next_run_at?: string | null }; webhook?: Webhook | null;
}
export type ScannerInput = Omit<Scanner, 'id'>;
export type ProjectUpdate = { name?: string; description?: string; default_branch?: string };

export type ScanState = 'waiting' | 'starting' | 'running' | 'retrieving_results' | 'analyzing' |
  'notifying' | 'finished' | 'failed' | 'canceled';
export const TERMINAL_STATES: ScanState[] = ['finished', 'failed', 'canceled'];
export interface Scan {
  id: string | number; project_id: string | number; scanner_id?: string | number | null; tool: string;
  method: string; branch: string; environment?: string; state: ScanState; progress?: number;
  summary?: SeverityCounts; risk_score?: number; new_findings?: number; fixed_findings?: number;
  error?: string | null; hint?: string | null; created_at?: string; started_at?: string | null;
  finished_at?: string | null; meta_data?: string; scan_tag?: string; format?: string;
}

export type FindingState = 'open' | 'new' | 'reopened' | 'fixed' | 'false_positive' |
  'risk_accepted' | 'not_affected';
export interface Cve {
  id: string; cvss_v2_score?: number | null; cvss_v2_vector?: string | null;
  cvss_v3_score?: number | null; cvss_v3_vector?: string | null;
}
export interface HistoryEntry {
  at: string; action: string; scan_id?: string | number | null; detail?: string;
}
export interface Triage {
  state: FindingState; reason?: string; expires_at?: string | null; by?: string; at?: string;
}
export interface Finding {
  id: string | number; branch: string; tool: string; kind: string; severity: Severity;
  state: FindingState; vulnerability_key: string; component: string; component_version?: string;
  summary: string; description?: string; cves?: Cve[]; cwes?: string[]; fixed_versions?: string[];
  impacted_artifacts?: string[]; impact_paths?: string[][]; references?: string[];
  history?: HistoryEntry[]; triage?: Triage | null; first_seen_at?: string; last_seen_at?: string;
  fixed_at?: string | null;
}
/** GET /scans/{id}/diff?against=previous: what changed between a scan and the one before it. */
export interface ScanDiff {
  scan: { id: string | number }; against: { id: string | number } | null;
  counts: { new: number; fixed: number; unchanged: number };
  new: Finding[]; fixed: Finding[]; unchanged: Finding[];
}
export interface FindingQuery {
  branch?: string; severity?: string; state?: string; kind?: string; q?: string; sort?: string;
  limit?: number; cursor?: string;
}
export interface FindingPage { findings: Finding[]; total: number; next_cursor: string | null }
export interface TriageUpdate { state: FindingState; reason: string; expires_at?: string | null }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
const CSRF_KEY = 'bulwark.csrf';

export function query(params: object): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export class ApiClient {
  private csrf: string | null;
  onUnauthorized: () => void = () => {};

  constructor(private readonly fetchFn: Fetch = (i, init) => fetch(i, init),
              private readonly base = '/api/v1',
              private readonly storage: Storage | null = globalThis.sessionStorage ?? null) {
    this.csrf = storage?.getItem(CSRF_KEY) ?? null;
  }

  private setCsrf(token: string | null) {
    this.csrf = token;
    if (token) this.storage?.setItem(CSRF_KEY, token);
    else this.storage?.removeItem(CSRF_KEY);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path,
                               { method, headers, body: payload, credentials: 'same-origin' });
    } catch (e) {
      throw new ApiError(0, 'network', `Cannot reach the Bulwark server (${(e as Error).message}).`);
    }
    const text = await res.text();
    let data: unknown = undefined;
    if (text) {
      try { data = JSON.parse(text); } catch { data = undefined; }
    }
    if (!res.ok) {
      const err = (data ?? {}) as { code?: string; message?: string };
      if (res.status === 401 && !path.startsWith('/auth/login')) {
        this.setCsrf(null);
        this.onUnauthorized();
      }
      throw new ApiError(res.status, err.code ?? `http_${res.status}`,
                         err.message ?? `The server answered ${res.status} ${res.statusText}.`);
    }
    return data as T;
  }

  // Auth
  async login(username: string, password: string): Promise<Session> {
    const s = await this.request<Session>('POST', '/auth/login', { username, password });
    this.setCsrf(s.csrf_token);
    return s;
  }
  async logout(): Promise<void> {
    try { await this.request('POST', '/auth/logout'); } finally { this.setCsrf(null); }
  }
  async me(): Promise<User> {
    const r = await this.request<{ user?: User; csrf_token?: string } & Partial<User>>('GET', '/me');
    if (r.csrf_token) this.setCsrf(r.csrf_token);
    return r.user ?? { username: r.username ?? '', role: r.role ?? 'viewer' };
  }

  // Users and tokens
  listUsers() { return this.request<{ users: User[] }>('GET', '/users'); }
  createUser(u: { username: string; password: string; role: Role }) {
    return this.request<User>('POST', '/users', u);
  }
  listTokens() { return this.request<{ tokens: ApiToken[] }>('GET', '/tokens'); }
  createToken(t: { name: string; expires_at?: string }) {
    return this.request<CreatedToken>('POST', '/tokens', t);
  }
  deleteToken(id: string | number) { return this.request<void>('DELETE', `/tokens/${encodeURIComponent(id)}`); }

  // Integrations
  getIntegration(tool = 'jfrogxraysca') { return this.request<Integration>('GET', `/integrations/${tool}`); }
  updateIntegration(u: IntegrationUpdate, tool = 'jfrogxraysca') {
    return this.request<Integration>('PUT', `/integrations/${tool}`, u);
  }
  testIntegration(u?: IntegrationUpdate, tool = 'jfrogxraysca') {
    return this.request<ConnectionTest>('POST', `/integrations/${tool}/test`, u ?? {});
  }
  repositories(q: string, tool = 'jfrogxraysca') {
    return this.request<{ repositories: Repository[] }>('GET',
                                                        `/integrations/${tool}/repositories${query({ q })}`);
  }

  // Projects
  listProjects() { return this.request<{ projects: Project[]; total: number }>('GET', '/projects?limit=200'); }
  createProject(p: { name: string; description?: string; default_branch?: string }) {
    return this.request<Project>('POST', '/projects', p);
  }
  getProject(id: string) { return this.request<Project>('GET', `/projects/${id}`); }
  updateProject(id: string, p: ProjectUpdate) { return this.request<Project>('PATCH', `/projects/${id}`, p); }
  projectSummary(id: string) { return this.request<ProjectSummary>('GET', `/projects/${id}/summary`); }

  // Scanners
  listScanners(pid: string) { return this.request<{ scanners: Scanner[] }>('GET', `/projects/${pid}/scanners`); }
  createScanner(pid: string, s: ScannerInput) {
    return this.request<Scanner>('POST', `/projects/${pid}/scanners`, s);
  }
  updateScanner(pid: string, sid: string | number, s: Partial<ScannerInput>) {
    return this.request<Scanner>('PATCH', `/projects/${pid}/scanners/${sid}`, s);
  }
  testWebhook(pid: string, sid: string | number) {
    return this.request<WebhookPing>('POST', `/projects/${pid}/scanners/${sid}/webhook/test`);
  }
  deleteScanner(pid: string, sid: string | number) {
    return this.request<void>('DELETE', `/projects/${pid}/scanners/${sid}`);
  }

  // Scans and imports
  listScans(pid: string) { return this.request<{ scans: Scan[]; total: number }>('GET', `/projects/${pid}/scans`); }
  getScan(id: string | number) { return this.request<Scan>('GET', `/scans/${id}`); }
  scanDiff(id: string | number) { return this.request<ScanDiff>('GET', `/scans/${id}/diff?against=previous`); }
  startScan(pid: string, body: { scanner_id: string | number } | { tool: string; branch: string }) {
    // The server takes scanner ids as JSON integers; a <select> hands them over as text.
    const b = 'scanner_id' in body ? { scanner_id: Number(body.scanner_id) } : body;
    return this.request<Scan>('POST', `/projects/${pid}/scans`, b);
  }
  cancelScan(id: string | number) { return this.request<Scan>('POST', `/scans/${id}/cancel`); }
  importFile(pid: string, f: { file: File; branch: string; environment?: string; meta_data?: string;
                               scan_tag?: string; tool?: string }) {
    const form = new FormData();
    form.set('file', f.file);
    form.set('tool', f.tool ?? 'jfrogxraysca');
    form.set('source', 'ui');  // the scan's method becomes UI-Import
    form.set('branch', f.branch);
    if (f.environment) form.set('environment', f.environment);
    if (f.meta_data) form.set('meta_data', f.meta_data);
    if (f.scan_tag) form.set('scan_tag', f.scan_tag);
    return this.request<Scan>('POST', `/projects/${pid}/imports`, form);
  }

  // Findings
  listFindings(pid: string, q: FindingQuery) {
    return this.request<FindingPage>('GET', `/projects/${pid}/findings${query(q)}`);
  }
  getFinding(id: string | number) { return this.request<Finding>('GET', `/findings/${id}`); }
  triage(id: string | number, t: TriageUpdate) { return this.request<Finding>('PATCH', `/findings/${id}`, t); }
}

export const api = new ApiClient();
