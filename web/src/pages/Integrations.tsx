// Integrations > Scanners: one tab per scanner type, the JFrog Xray SCA card and its settings.
import { useEffect, useState } from 'preact/hooks';
import type { ConnectionTest, Integration, IntegrationUpdate } from '../api';
import { api } from '../api';
import { Drawer, ErrorBox, Field, Loading, Tabs, Toggle } from '../components/ui';
import { errorText } from '../format';
import { usePermissions } from '../session';

const TABS: { id: 'sca' | 'sast' | 'dast' | 'secrets'; label: string }[] = [
  { id: 'sca', label: 'SCA' }, { id: 'sast', label: 'SAST' }, { id: 'dast', label: 'DAST' },
  { id: 'secrets', label: 'Secrets' },
];
// Titles for the connection test codes; the server's message carries the diagnosis and the fix.
export const TEST_TITLES: Record<string, string> = {
  ok: 'Connection successful', api_disabled: 'API disabled', unreachable: 'Unreachable',
  tls: 'TLS certificate problem', unauthorized: 'Unauthorized (401)', forbidden: 'Forbidden (403)',
  not_xray: 'No Xray at this URL', suspended: 'Instance suspended',
};
const BADGES: Record<string, string> = { kdt: 'KDT', import: 'Import', 'ui-import': 'UI-Import', bind: 'Bind' };

export function Integrations() {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('sca');
  const [integration, setIntegration] = useState<Integration | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const { isAdmin } = usePermissions();
  useEffect(() => {
    api.getIntegration().then(setIntegration, (e) => setError(errorText(e)));
  }, []);
  const activate = async () => {
    try { setIntegration(await api.updateIntegration({ active: true })); setOpen(true); }
    catch (e) { setError(errorText(e)); }
  };
  return (
    <section>
      <header class="page-head"><h1>Integrations › Scanners</h1></header>
      <ErrorBox error={error} />
      <Tabs idPrefix="scanner-type" label="Scanner types" tabs={TABS} selected={tab} onSelect={setTab}>
        {tab !== 'sca' ? (
          <div class="empty"><strong>No {tab.toUpperCase()} scanners available yet.</strong>
            <p>JFrog Xray SCA is available under the SCA tab.</p></div>
        ) : !integration && !error ? <Loading /> : integration && (
          <div class="cards">
            <article class="card scanner-card" aria-label={integration.name}>
              <div class="card-head">
                <svg class="scanner-logo" viewBox="0 0 40 40" aria-hidden="true">
                  <rect width="40" height="40" rx="8" fill="#40be46" />
                  <text x="20" y="26" text-anchor="middle" font-size="15" font-weight="700" fill="#fff">JF</text>
                </svg>
                <div>
                  <h3>{integration.name}</h3>
                  <span class={integration.active ? 'status on' : 'status off'}>
                    {integration.active ? 'Active' : 'Inactive'}</span>
                </div>
                {isAdmin && <button class="icon-btn gear" aria-label="JFrog Xray SCA settings" title="Settings"
                        onClick={() => setOpen(true)}>⚙</button>}
              </div>
              <div class="badges">
                {integration.methods.map((m) => <span key={m} class="badge">{BADGES[m] ?? m}</span>)}
              </div>
              {!integration.active && isAdmin && <button class="btn primary" onClick={activate}>Activate</button>}
              {!isAdmin && <p class="muted small">An administrator configures this integration.</p>}
            </article>
          </div>
        )}
      </Tabs>
      {open && integration && isAdmin && (
        <Drawer title="JFrog Xray SCA settings" onClose={() => setOpen(false)}
                returnFocus={() => document.querySelector<HTMLElement>('.scanner-card .gear')}>
          <XraySettingsPanel integration={integration} onSaved={setIntegration} />
        </Drawer>
      )}
    </section>
  );
}

export function XraySettingsPanel({ integration, onSaved }: {
  integration: Integration; onSaved: (i: Integration) => void;
}) {
  const [apiEnabled, setApiEnabled] = useState(integration.api_enabled);
  const [url, setUrl] = useState(integration.url ?? '');
  const [token, setToken] = useState('');
  const [insecure, setInsecure] = useState(integration.insecure);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | undefined>();
  const [tokenError, setTokenError] = useState<string | undefined>();
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [saved, setSaved] = useState(false);

  const body = (): IntegrationUpdate => {
    const b: IntegrationUpdate = { api_enabled: apiEnabled };
    if (apiEnabled) {
      b.url = url.trim();
      b.insecure = insecure;
      if (token) b.access_token = token;
    }
    return b;
  };
  const validate = (): boolean => {
    if (!apiEnabled) { setUrlError(undefined); setTokenError(undefined); return true; }
    const urlOk = /^https?:\/\/\S+$/i.test(url.trim());
    const tokenOk = integration.token_set || token !== '';
    setUrlError(urlOk ? undefined : 'Enter the JFrog Platform URL, starting with http:// or https://');
    setTokenError(tokenOk ? undefined : 'Enter an access token (Xray: Read and Xray: Manage Reports).');
    return urlOk && tokenOk;
  };
  // While a request runs the buttons say so but stay enabled (a disabled button would drop the
  // keyboard focus); a second press is ignored.
  const save = async (e: Event) => {
    e.preventDefault();
    if (busy || !validate()) return;
    setBusy('save'); setError(null); setSaved(false);
    try { onSaved(await api.updateIntegration(body())); setToken(''); setSaved(true); }
    catch (err) { setError(errorText(err)); }
    finally { setBusy(null); }
  };
  const test = async () => {
    if (busy || !validate()) return;
    setBusy('test'); setError(null); setResult(null);
    try { setResult(await api.testIntegration(body())); }
    catch (err) { setError(errorText(err)); }
    finally { setBusy(null); }
  };
  return (
    <form class="form" onSubmit={save} aria-label="Xray settings">
      <Toggle id="api-enabled" label="Is API Enabled" checked={apiEnabled} onChange={setApiEnabled} />
      {!apiEnabled && <p class="hint">Import-only mode: results arrive by KDT, Import and UI-Import. Turn the API on to scan repositories (Bind).</p>}
      {apiEnabled && (
        <>
          <Field label="Access Token" id="access-token" required error={tokenError}
                 hint={integration.token_set ? 'A token is set. Type a new one to replace it.' : 'Needs Xray: Read and Xray: Manage Reports.'}>
            <input id="access-token" type="password" autoComplete="new-password" value={token}
                   placeholder={integration.token_set ? 'set' : ''}
                   onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
          </Field>
          <Field label="URL" id="xray-url" required error={urlError} hint="The JFrog Platform URL, e.g. https://acme.jfrog.io">
            <input id="xray-url" type="url" value={url} placeholder="https://example.jfrog.io"
                   onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
          </Field>
          <Toggle id="insecure" label="Insecure (skip TLS verification)" checked={insecure} onChange={setInsecure} />
        </>
      )}
      <ErrorBox error={error} />
      {result && (
        <div class={result.ok ? 'alert alert-ok' : 'alert alert-error'} role={result.ok ? 'status' : 'alert'} data-code={result.code}>
          {result.ok
            ? <>Connection successful{result.xray_version ? ` — Xray ${result.xray_version}` : ''}</>
            : <><strong>{TEST_TITLES[result.code] ?? result.code}</strong>: {result.message}</>}
        </div>
      )}
      {saved && <div class="alert alert-ok" role="status">Settings saved.</div>}
      <div class="actions">
        {apiEnabled && <button type="button" class="btn" onClick={test} aria-disabled={busy !== null}>
          {busy === 'test' ? 'Testing…' : 'Test Connection'}</button>}
        <button type="submit" class="btn primary" aria-disabled={busy !== null}>{busy === 'save' ? 'Saving…' : 'Save'}</button>
      </div>
    </form>
  );
}
