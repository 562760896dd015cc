// Project > Settings > Scanners: the project's scanners and the Add Scanner flow
// (type SCA, then JFrog Xray SCA, then the configuration drawer).
import { useEffect, useState } from 'preact/hooks';
import type { Scanner, ScannerInput, Schedule } from '../api';
import { api } from '../api';
import { RepositorySelect } from '../components/RepositorySelect';
import { Drawer, Empty, ErrorBox, Field, Loading, Toggle } from '../components/ui';
import { errorText, titleCase } from '../format';

export const ENVIRONMENTS = ['production', 'staging', 'develop', 'feature'];
const RECURRENCES: Schedule['recurrence'][] = ['hourly', 'daily', 'weekly', 'monthly'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function ProjectSettings({ projectId }: { projectId: string }) {
  const [scanners, setScanners] = useState<Scanner[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<'none' | 'type' | 'tool' | 'form'>('none');
  const load = () => api.listScanners(projectId).then((r) => setScanners(r.scanners), (e) => setError(errorText(e)));
  useEffect(() => { load(); }, [projectId]);
  const remove = async (s: Scanner) => {
    if (!globalThis.confirm(`Remove the scanner for ${s.repository_key} (${s.branch})?`)) return;
    try { await api.deleteScanner(projectId, s.id); load(); } catch (e) { setError(errorText(e)); }
  };
  return (
    <div>
      <div class="toolbar"><h2>Scanners</h2><button class="btn primary" onClick={() => setStep('type')}>Add Scanner</button></div>
      <ErrorBox error={error} />
      {!scanners && !error && <Loading />}
      {scanners && !scanners.length && <Empty title="No scanners">Add the JFrog Xray SCA scanner to scan a repository on demand or on a schedule.</Empty>}
      {scanners && scanners.length > 0 && (
        <table class="table"><thead><tr><th>Tool</th><th>Repository</th><th>Branch</th><th>Environment</th><th>Schedule</th><th /></tr></thead>
          <tbody>{scanners.map((s) => (
            <tr key={s.id}><td>JFrog Xray SCA</td><td class="mono">{s.repository_key}</td><td>{s.branch}</td>
              <td>{s.environment ? titleCase(s.environment) : '—'}</td>
              <td>{s.schedule?.enabled ? titleCase(s.schedule.recurrence ?? 'daily') : 'Off'}</td>
              <td><button class="btn small danger" onClick={() => remove(s)}>Remove</button></td></tr>
          ))}</tbody></table>
      )}
      {step === 'type' && (
        <Drawer title="Add Scanner — type" onClose={() => setStep('none')}>
          <div class="choices">
            <button class="choice" onClick={() => setStep('tool')}><strong>SCA</strong><span>Software composition analysis</span></button>
          </div>
        </Drawer>
      )}
      {step === 'tool' && (
        <Drawer title="Add Scanner — SCA" onClose={() => setStep('none')}>
          <div class="choices">
            <button class="choice" onClick={() => setStep('form')}><strong>JFrog Xray SCA</strong><span>Scan a JFrog repository through the Xray Reports API</span></button>
          </div>
        </Drawer>
      )}
      {step === 'form' && <ScannerForm projectId={projectId} onClose={() => setStep('none')} onSaved={() => { setStep('none'); load(); }} />}
    </div>
  );
}

type Errors = Partial<Record<'repository_key' | 'branch' | 'webhook' | 'schedule' | 'form', string>>;

export function validateScanner(s: ScannerInput): Errors {
  const e: Errors = {};
  if (!s.repository_key) e.repository_key = 'Choose the repository to scan.';
  if (!s.branch.trim()) e.branch = 'Enter the branch these results belong to.';
  if (s.webhook?.url && !/^https?:\/\/\S+$/i.test(s.webhook.url)) e.webhook = 'The webhook URL must start with http:// or https://';
  if (s.schedule?.enabled && (!s.schedule.interval || s.schedule.interval < 1)) e.schedule = 'The interval must be 1 or more.';
  return e;
}

const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);

function ScannerForm({ projectId, onClose, onSaved }: { projectId: string; onClose: () => void; onSaved: () => void }) {
  const [s, setS] = useState<ScannerInput>({ tool: 'jfrogxraysca', environment: '', repository_key: '', branch: 'main',
    include_patterns: [], exclude_patterns: [], meta_data: '', scan_tag: '',
    schedule: { enabled: false, recurrence: 'daily', interval: 1, days: [] }, webhook: { url: '', secret: '' } });
  const [include, setInclude] = useState('');
  const [exclude, setExclude] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const set = (p: Partial<ScannerInput>) => setS({ ...s, ...p });
  const sched = s.schedule!;
  const setSched = (p: Partial<Schedule>) => set({ schedule: { ...sched, ...p } });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: ScannerInput = { ...s, include_patterns: lines(include), exclude_patterns: lines(exclude),
      environment: s.environment || undefined, webhook: s.webhook?.url ? s.webhook : null };
    const errs = validateScanner(body);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try { await api.createScanner(projectId, body); onSaved(); }
    catch (err) { setErrors({ form: errorText(err) }); }
  };
  const input = (id: string, v: string, on: (v: string) => void, extra?: Record<string, unknown>) =>
    <input id={id} value={v} onInput={(e) => on((e.target as HTMLInputElement).value)} {...extra} />;
  return (
    <Drawer title="JFrog Xray SCA scanner" onClose={onClose}
            footer={<><button class="btn" onClick={onClose}>Cancel</button><button class="btn primary" type="submit" form="scanner-form">Save scanner</button></>}>
      <form id="scanner-form" class="form" onSubmit={submit}>
        <ErrorBox error={errors.form} />
        <Field label="Environment" id="sc-env">
          <select id="sc-env" value={s.environment} onChange={(e) => set({ environment: (e.target as HTMLSelectElement).value })}>
            <option value="">None</option>{ENVIRONMENTS.map((v) => <option key={v} value={v}>{titleCase(v)}</option>)}
          </select>
        </Field>
        <Field label="Repository Key" id="sc-repo" required error={errors.repository_key} hint="Loaded live from the JFrog instance.">
          <RepositorySelect id="sc-repo" value={s.repository_key} invalid={!!errors.repository_key}
                            onChange={(k) => set({ repository_key: k })} load={(q) => api.repositories(q)} />
        </Field>
        <Field label="Branch" id="sc-branch" required error={errors.branch}>{input('sc-branch', s.branch, (v) => set({ branch: v }))}</Field>
        <Field label="Include Path Patterns" id="sc-include" hint="One pattern per line, e.g. com/acme/**">
          <textarea id="sc-include" value={include} onInput={(e) => setInclude((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field label="Exclude Path Patterns" id="sc-exclude" hint="One pattern per line">
          <textarea id="sc-exclude" value={exclude} onInput={(e) => setExclude((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field label="Meta Data" id="sc-meta">{input('sc-meta', s.meta_data ?? '', (v) => set({ meta_data: v }))}</Field>
        <Field label="Scan Tag" id="sc-tag">{input('sc-tag', s.scan_tag ?? '', (v) => set({ scan_tag: v }))}</Field>
        <fieldset class="group"><legend>Scheduler</legend>
          <Toggle id="sc-sched" label="Scan on a schedule" checked={sched.enabled} onChange={(v) => setSched({ enabled: v })} />
          {sched.enabled && (
            <div class="row">
              <Field label="Recurrence" id="sc-rec">
                <select id="sc-rec" value={sched.recurrence} onChange={(e) => setSched({ recurrence: (e.target as HTMLSelectElement).value as Schedule['recurrence'] })}>
                  {RECURRENCES.map((r) => <option key={r} value={r}>{titleCase(r!)}</option>)}
                </select>
              </Field>
              <Field label="Every" id="sc-int" error={errors.schedule}>
                <input id="sc-int" type="number" min={1} value={sched.interval} onInput={(e) => setSched({ interval: Number((e.target as HTMLInputElement).value) })} />
              </Field>
              {sched.recurrence === 'weekly' && (
                <div class="days" role="group" aria-label="Days">{DAYS.map((d) => (
                  <label key={d} class="day"><input type="checkbox" checked={sched.days?.includes(d)}
                    onChange={(e) => setSched({ days: (e.target as HTMLInputElement).checked ? [...(sched.days ?? []), d] : (sched.days ?? []).filter((x) => x !== d) })} />{titleCase(d)}</label>
                ))}</div>
              )}
            </div>
          )}
        </fieldset>
        <fieldset class="group"><legend>Webhook</legend>
          <Field label="Webhook URL" id="sc-hook" error={errors.webhook} hint="Called when a scan finishes or fails (signed with the secret).">
            {input('sc-hook', s.webhook?.url ?? '', (v) => set({ webhook: { ...s.webhook!, url: v } }), { type: 'url', placeholder: 'https://ci.example.com/hooks/bulwark' })}
          </Field>
          <Field label="Webhook secret" id="sc-secret">
            {input('sc-secret', s.webhook?.secret ?? '', (v) => set({ webhook: { ...s.webhook!, secret: v } }), { type: 'password', autoComplete: 'new-password' })}
          </Field>
        </fieldset>
      </form>
    </Drawer>
  );
}
