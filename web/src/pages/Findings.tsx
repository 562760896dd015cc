// Project > Findings: filters, a cursor-paginated table, and the detail drawer with triage.
import { useEffect, useState } from 'preact/hooks';
import type { Finding, FindingPage, FindingQuery, FindingState, Scanner } from '../api';
import { api } from '../api';
import { FindingFilters } from '../components/FindingFilters';
import { Drawer, Empty, ErrorBox, Field, Loading, onRowKey, SeverityChip, TableWrap } from '../components/ui';
import { errorText, fmtDate, fmtDay, titleCase } from '../format';
import { usePermissions } from '../session';

const PAGE = 50;

function initialQuery(): FindingQuery {
  const hash = globalThis.location?.hash ?? '';
  const i = hash.indexOf('?');
  const q: FindingQuery = { sort: '-severity', limit: PAGE };
  if (i >= 0) new URLSearchParams(hash.slice(i + 1)).forEach((v, k) => { (q as Record<string, string>)[k] = v; });
  return q;
}

export function Findings({ projectId }: { projectId: string }) {
  const [query, setQuery] = useState<FindingQuery>(initialQuery);
  const [prev, setPrev] = useState<(string | undefined)[]>([]);
  const [page, setPage] = useState<FindingPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [branches, setBranches] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | number | null>(null);
  useEffect(() => {
    // The branches findings can be on: those of the scanners and of the scans so far (imports too).
    Promise.all([api.listScanners(projectId).catch(() => ({ scanners: [] as Scanner[] })),
                 api.listScans(projectId).catch(() => ({ scans: [] }))])
      .then(([a, b]) => setBranches([...new Set([...a.scanners.map((s) => s.branch), ...b.scans.map((s) => s.branch)])]));
  }, [projectId]);
  const load = () => {
    setError(null);
    api.listFindings(projectId, { ...query, limit: PAGE }).then(setPage, (e) => setError(errorText(e)));
  };
  useEffect(load, [projectId, query]);
  const change = (q: FindingQuery) => { setPrev([]); setQuery(q); };
  const next = () => { if (page?.next_cursor) { setPrev([...prev, query.cursor]); setQuery({ ...query, cursor: page.next_cursor }); } };
  const back = () => { const p = [...prev]; const c = p.pop(); setPrev(p); setQuery({ ...query, cursor: c }); };
  const filtered = !!(query.branch || query.severity || query.state || query.kind || query.q);
  return (
    <div>
      <FindingFilters value={query} branches={branches} onChange={change} />
      <ErrorBox error={error} />
      {!page && !error && <Loading />}
      {page && !page.findings.length && (filtered
        ? <Empty title="No findings match these filters">Clear a filter or search for something else.</Empty>
        : <Empty title="No findings yet">Run a scan from Scans, or upload an Xray export under Import.</Empty>)}
      {page && page.findings.length > 0 && (
        <>
          <TableWrap label="Findings">
            <table class="table clickable findings">
              <thead><tr><th>Severity</th><th>Issue</th><th>Component</th><th>Summary</th><th>Branch</th><th>State</th><th>Last seen</th></tr></thead>
              <tbody>{page.findings.map((f) => (
                <tr key={f.id} tabIndex={0} onClick={() => setSelected(f.id)} onKeyDown={onRowKey(() => setSelected(f.id))}>
                  <td><SeverityChip severity={f.severity} /></td>
                  <td class="mono">{f.vulnerability_key}</td>
                  <td class="mono">{f.component}{f.component_version ? `:${f.component_version}` : ''}</td>
                  <td class="ellipsis">{f.summary}</td>
                  <td>{f.branch}</td>
                  <td><span class={`state st-${f.state}`}>{titleCase(f.state)}</span>
                    {f.triage && <span class={`state st-${f.triage.state}`}>{titleCase(f.triage.state)}</span>}</td>
                  <td>{fmtDate(f.last_seen_at)}</td>
                </tr>
              ))}</tbody>
            </table>
          </TableWrap>
          <div class="pager">
            <span class="muted" aria-live="polite">{page.total.toLocaleString()} findings</span>
            <button class="btn small" disabled={!prev.length} onClick={back}>‹ Previous</button>
            <button class="btn small" disabled={!page.next_cursor} onClick={next}>Next ›</button>
          </div>
        </>
      )}
      {selected && <FindingDrawer id={selected} onClose={() => setSelected(null)} onChanged={load} />}
    </div>
  );
}

export function FindingDrawer({ id, onClose, onChanged }: { id: string | number; onClose: () => void; onChanged: () => void }) {
  const [f, setF] = useState<Finding | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { canChange } = usePermissions();
  useEffect(() => { api.getFinding(id).then(setF, (e) => setError(errorText(e))); }, [id]);
  return (
    <Drawer title={f ? `${f.vulnerability_key} in ${f.component}` : 'Finding'} onClose={onClose}>
      <ErrorBox error={error} />
      {!f && !error && <Loading />}
      {f && <FindingDetail f={f} />}
      {f && canChange && <TriageForm f={f} onDone={(nf) => { setF(nf); onChanged(); }} />}
      {f && !canChange && f.triage && <p class="muted">Triaged {titleCase(f.triage.state)}{f.triage.reason && `: ${f.triage.reason}`}</p>}
    </Drawer>
  );
}

function List({ items, mono }: { items?: string[]; mono?: boolean }) {
  if (!items?.length) return <p class="muted">None</p>;
  return <ul class={mono ? 'list mono' : 'list'}>{items.map((i) => <li key={i}>{i}</li>)}</ul>;
}

function FindingDetail({ f }: { f: Finding }) {
  return (
    <div class="detail">
      <p><SeverityChip severity={f.severity} /> <span class={`state st-${f.state}`}>{titleCase(f.state)}</span>
        <span class="muted"> · {f.kind} · {f.branch} · first seen {fmtDate(f.first_seen_at)}</span></p>
      <h3>Summary</h3><p>{f.summary}</p>
      {f.description && f.description !== f.summary && <p class="muted">{f.description}</p>}
      <h3>CVEs</h3>
      {f.cves?.length ? (
        <table class="table compact"><thead><tr><th>CVE</th><th>CVSS v2</th><th>CVSS v3</th></tr></thead>
          <tbody>{f.cves.map((c) => (
            <tr key={c.id}><td class="mono">{c.id}</td>
              <td>{c.cvss_v2_score ?? '—'}{c.cvss_v2_vector && <div class="mono small muted">{c.cvss_v2_vector}</div>}</td>
              <td>{c.cvss_v3_score ?? '—'}{c.cvss_v3_vector && <div class="mono small muted">{c.cvss_v3_vector}</div>}</td></tr>
          ))}</tbody></table>
      ) : <p class="muted">No CVE assigned.</p>}
      <h3>Fixed versions</h3><List items={f.fixed_versions} mono />
      <h3>Impacted artifacts</h3><List items={f.impacted_artifacts} mono />
      <h3>Impact paths</h3>
      {f.impact_paths?.length ? <ul class="list mono">{f.impact_paths.map((p, i) => <li key={i}>{p.join(' → ')}</li>)}</ul> : <p class="muted">None</p>}
      <h3>References</h3>
      {f.references?.length ? <ul class="list">{f.references.map((r) => <li key={r}><a href={r} target="_blank" rel="noreferrer noopener">{r}</a></li>)}</ul> : <p class="muted">None</p>}
      <h3>History</h3>
      {f.history?.length ? <ul class="timeline">{f.history.map((h, i) => (
        <li key={i}><span class="muted">{fmtDate(h.at)}</span> {titleCase(h.action)}{h.scan_id && ` in scan ${h.scan_id}`}{h.detail && ` — ${h.detail}`}</li>
      ))}</ul> : <p class="muted">No history.</p>}
    </div>
  );
}

const TRIAGE: { value: FindingState; label: string }[] = [
  { value: 'false_positive', label: 'False positive' },
  { value: 'risk_accepted', label: 'Risk accepted' },
  { value: 'not_affected', label: 'Not affected' },
  { value: 'open', label: 'Reopen' },
];

function TriageForm({ f, onDone }: { f: Finding; onDone: (f: Finding) => void }) {
  const [state, setState] = useState<FindingState>('false_positive');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; expires?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!reason.trim()) errs.reason = 'Say why, for the next reviewer.';
    if (state === 'risk_accepted' && !expires) errs.expires = 'A risk acceptance needs an expiry date.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      onDone(await api.triage(f.id, { state, reason: reason.trim(),
        expires_at: state === 'risk_accepted' ? new Date(expires).toISOString() : null }));
      setReason(''); setError(null);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <form class="form triage" onSubmit={submit} aria-label="Triage">
      <h3>Triage</h3>
      {f.triage && f.triage.state !== 'open' && (
        <p class="muted">Currently {titleCase(f.triage.state)}{f.triage.by && ` by ${f.triage.by}`}
          {f.triage.expires_at && ` until ${fmtDay(f.triage.expires_at)}`}{f.triage.reason && `: ${f.triage.reason}`}</p>
      )}
      <ErrorBox error={error} />
      <Field label="Decision" id="triage-state">
        <select id="triage-state" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value as FindingState)}>
          {TRIAGE.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
        </select>
      </Field>
      <Field label="Reason" id="triage-reason" required error={errors.reason}>
        <textarea id="triage-reason" value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
      </Field>
      {state === 'risk_accepted' && (
        <Field label="Expires" id="triage-expires" required error={errors.expires}>
          <input id="triage-expires" type="date" value={expires} onInput={(e) => setExpires((e.target as HTMLInputElement).value)} />
        </Field>
      )}
      <div class="actions"><button class="btn primary" type="submit">Apply</button></div>
    </form>
  );
}
