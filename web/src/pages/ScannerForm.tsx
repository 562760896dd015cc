// The JFrog Xray SCA scanner drawer: Environment, Repository Key (live list), Branch, path
// patterns, Meta Data, Scan Tag, Scheduler and Webhook. It creates a scanner (POST) or, given
// one, edits it (PATCH with every field; a stored webhook secret is kept unless a new one is typed).
import { useState } from 'preact/hooks';
import type { Scanner, ScannerInput, Schedule, WebhookPing } from '../api';
import { api } from '../api';
import { RepositorySelect } from '../components/RepositorySelect';
import { describedBy, Drawer, ErrorBox, Field, Toggle } from '../components/ui';
import { errorText, titleCase } from '../format';

/** One line for a test ping's outcome: what the receiver answered, or why nothing arrived. */
export function pingText(p: WebhookPing): string {
  if (p.delivered) return `Test ping delivered to ${p.target}: HTTP ${p.status} in ${p.latency_ms} ms${p.signed ? ' (signed)' : ''}.`;
  const why = p.error || (p.status ? `HTTP ${p.status}${p.response_snippet ? `: ${p.response_snippet}` : ''}` : 'no answer');
  return `Test ping to ${p.target} failed: ${why}`;
}

export const ENVIRONMENTS = ['production', 'staging', 'develop', 'feature'];
const RECURRENCES: Schedule['recurrence'][] = ['hourly', 'daily', 'weekly', 'monthly'];
const REPO_HINT = 'Loaded live from the JFrog instance: type to search, arrow keys and Enter to pick.';
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

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

function initialState(from?: Scanner): ScannerInput {
  return {
    tool: from?.tool ?? 'jfrogxraysca', environment: from?.environment ?? '',
    repository_key: from?.repository_key ?? '', branch: from?.branch ?? 'main',
    include_patterns: from?.include_patterns ?? [], exclude_patterns: from?.exclude_patterns ?? [],
    meta_data: from?.meta_data ?? '', scan_tag: from?.scan_tag ?? '',
    schedule: { enabled: from?.schedule?.enabled ?? false, recurrence: from?.schedule?.recurrence || 'daily',
                interval: from?.schedule?.interval && from.schedule.interval > 0 ? from.schedule.interval : 1,
                days: from?.schedule?.days ?? [] },
    webhook: { url: from?.webhook?.url ?? '', secret: '' },
  };
}

/** The request body for the form's state: empty environment and webhook become "none". */
export function scannerBody(s: ScannerInput, include: string, exclude: string, editing: boolean): ScannerInput {
  const hook = s.webhook?.url
    ? (s.webhook.secret ? { url: s.webhook.url, secret: s.webhook.secret } : { url: s.webhook.url })
    : null;
  const sched = s.schedule!;
  return { ...s, include_patterns: lines(include), exclude_patterns: lines(exclude),
    environment: s.environment || (editing ? '' : undefined), webhook: hook,
    schedule: { enabled: sched.enabled, recurrence: sched.recurrence, interval: sched.interval,
                days: sched.recurrence === 'weekly' ? sched.days : [] } };
}

export function ScannerForm({ projectId, scanner, onClose, onSaved }: {
  projectId: string; scanner?: Scanner; onClose: () => void; onSaved: () => void;
}) {
  const editing = !!scanner;
  const [s, setS] = useState<ScannerInput>(() => initialState(scanner));
  const [include, setInclude] = useState((scanner?.include_patterns ?? []).join('\n'));
  const [exclude, setExclude] = useState((scanner?.exclude_patterns ?? []).join('\n'));
  const [errors, setErrors] = useState<Errors>({});
  const [ping, setPing] = useState<{ ok: boolean; text: string } | null>(null);
  const [pinging, setPinging] = useState(false);
  const sendPing = async () => {
    setPinging(true); setPing(null);
    try {
      const p = await api.testWebhook(projectId, scanner!.id);
      setPing({ ok: p.delivered, text: pingText(p) });
    } catch (err) { setPing({ ok: false, text: errorText(err) }); }
    finally { setPinging(false); }
  };
  const set = (p: Partial<ScannerInput>) => setS({ ...s, ...p });
  const sched = s.schedule!;
  const setSched = (p: Partial<Schedule>) => set({ schedule: { ...sched, ...p } });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = scannerBody(s, include, exclude, editing);
    const errs = validateScanner(body);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      if (scanner) await api.updateScanner(projectId, scanner.id, body);
      else await api.createScanner(projectId, body);
      onSaved();
    } catch (err) { setErrors({ form: errorText(err) }); }
  };
  const input = (id: string, v: string, on: (v: string) => void, extra?: Record<string, unknown>) =>
    <input id={id} value={v} onInput={(e) => on((e.target as HTMLInputElement).value)} {...extra} />;
  const title = editing ? `JFrog Xray SCA scanner ${scanner!.repository_key}` : 'JFrog Xray SCA scanner';
  return (
    <Drawer title={title} onClose={onClose}
            footer={<><button class="btn" type="button" onClick={onClose}>Cancel</button><button class="btn primary" type="submit" form="scanner-form">{editing ? 'Save changes' : 'Save scanner'}</button></>}>
      <form id="scanner-form" class="form" onSubmit={submit}>
        <ErrorBox error={errors.form} />
        <Field label="Environment" id="sc-env">
          <select id="sc-env" value={s.environment} onChange={(e) => set({ environment: (e.target as HTMLSelectElement).value })}>
            <option value="">None</option>{ENVIRONMENTS.map((v) => <option key={v} value={v}>{titleCase(v)}</option>)}
          </select>
        </Field>
        <Field label="Repository Key" id="sc-repo" required error={errors.repository_key} hint={REPO_HINT}>
          <RepositorySelect id="sc-repo" value={s.repository_key} invalid={!!errors.repository_key} required
                            describedBy={describedBy('sc-repo', errors.repository_key, REPO_HINT)}
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
          <Field label="Webhook secret" id="sc-secret" hint={scanner?.webhook?.secret_set ? 'A secret is set. Type a new one to replace it.' : undefined}>
            {input('sc-secret', s.webhook?.secret ?? '', (v) => set({ webhook: { ...s.webhook!, secret: v } }),
                   { type: 'password', autoComplete: 'new-password', placeholder: scanner?.webhook?.secret_set ? 'set' : '' })}
          </Field>
          {editing && scanner!.webhook?.url ? (
            <div class="actions">
              <button class="btn" type="button" onClick={sendPing} disabled={pinging}>{pinging ? 'Sending…' : 'Send test ping'}</button>
              <span class="muted">to the saved URL</span>
            </div>
          ) : <p class="muted">Save the scanner with a webhook URL to send a test ping.</p>}
          {ping && <div class={ping.ok ? 'alert alert-ok' : 'alert alert-error'} role="status">{ping.text}</div>}
        </fieldset>
      </form>
    </Drawer>
  );
}
