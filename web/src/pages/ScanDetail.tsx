// Project > Scans > one scan: its state followed live, its summary, and what changed since the
// previous scan of the same project, branch and tool (new, fixed and unchanged findings).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Finding, Scan, ScanDiff } from '../api';
import { api, ApiError } from '../api';
import { Empty, ErrorBox, Loading, onRowKey, SeverityChip, SeverityCountsBar, TableWrap, Tabs } from '../components/ui';
import { errorText, fmtDate, titleCase } from '../format';
import { FindingDrawer } from './Findings';
import { isRunning, POLL_MS } from './Scans';

type DiffList = 'new' | 'fixed' | 'unchanged';
const LISTS: { id: DiffList; label: string }[] = [
  { id: 'new', label: 'New' }, { id: 'fixed', label: 'Fixed' }, { id: 'unchanged', label: 'Unchanged' },
];

export function ScanDetail({ projectId, scanId }: { projectId: string; scanId: string }) {
  const [scan, setScan] = useState<Scan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = () => api.getScan(scanId).then((s) => { setScan(s); setError(null); }, (e) => setError(errorText(e)));
  useEffect(() => { load(); }, [scanId]);
  useEffect(() => {
    if (scan && isRunning(scan)) timer.current = setTimeout(load, POLL_MS);
    return () => { if (timer.current) clearTimeout(timer.current); };
  }, [scan]);
  return (
    <div class="scan-detail">
      <p><a href={`#/projects/${projectId}/scans`}>‹ All scans</a></p>
      <ErrorBox error={error} />
      {!scan && !error && <Loading />}
      {scan && (
        <>
          <div class="card">
            <h2>Scan {scan.id} <span class={`state scan-${scan.state}`}>{titleCase(scan.state)}</span></h2>
            {isRunning(scan) && <progress max={100} value={scan.progress ?? 0} aria-label="Progress" />}
            <dl class="facts">
              <dt>Method</dt><dd><span class="badge">{scan.method}</span></dd>
              <dt>Branch</dt><dd>{scan.branch}</dd>
              {scan.environment && <><dt>Environment</dt><dd>{titleCase(scan.environment)}</dd></>}
              <dt>Started</dt><dd>{fmtDate(scan.started_at ?? scan.created_at)}</dd>
              <dt>Finished</dt><dd>{fmtDate(scan.finished_at)}</dd>
              {scan.state === 'finished' && <><dt>Findings</dt><dd><SeverityCountsBar counts={scan.summary} /></dd>
                <dt>Risk score</dt><dd>{scan.risk_score ?? 0}</dd></>}
            </dl>
            {scan.state === 'failed' && scan.error && <div class="alert alert-error" role="alert">{scan.error}</div>}
            {scan.hint && <p class="hint">{scan.hint}</p>}
          </div>
          {scan.state === 'finished'
            ? <ScanDiffView projectId={projectId} scanId={scan.id} load={(id) => api.scanDiff(id)} onOpen={setSelected} />
            : !isRunning(scan) ? null
            : <p class="muted">What changed since the previous scan appears when this one finishes.</p>}
        </>
      )}
      {selected !== null && <FindingDrawer id={selected} onClose={() => setSelected(null)} onChanged={() => {}} />}
    </div>
  );
}

/** True for the server's answer to a route it does not have (not for an unknown scan). */
export function isMissingRoute(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && /^no route for /.test(e.message);
}

/** The comparison of a finished scan with the previous one. A server without the diff route
 *  (404) gets a quiet note instead of an error. */
export function ScanDiffView({ projectId, scanId, load, onOpen }: {
  projectId: string; scanId: string | number; load: (id: string | number) => Promise<ScanDiff>;
  onOpen?: (findingId: string | number) => void;
}) {
  const [diff, setDiff] = useState<ScanDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [list, setList] = useState<DiffList>('new');
  useEffect(() => {
    setDiff(null); setError(null); setMissing(false);
    load(scanId).then(setDiff, (e) => {
      if (isMissingRoute(e)) setMissing(true);
      else setError(errorText(e));
    });
  }, [scanId]);
  if (missing) return <p class="muted diff-missing">This server does not compare scans yet.</p>;
  if (error) return <ErrorBox error={error} />;
  if (!diff) return <Loading />;
  const rows: Finding[] = diff[list] ?? [];
  const total = diff.counts?.[list] ?? rows.length;
  return (
    <section class="card diff" aria-label="Changes since the previous scan">
      <h2>Changes since the previous scan</h2>
      <p class="muted against">{diff.against
        ? <>Compared with <a href={`#/projects/${projectId}/scans/${diff.against.id}`}>scan {diff.against.id}</a>.</>
        : 'This is the first scan of its branch: every finding is new.'}</p>
      <Tabs idPrefix="diff" label="Changes" selected={list} onSelect={setList}
            tabs={LISTS.map((l) => ({ id: l.id, label: <>{l.label} <span class="count">{diff.counts?.[l.id] ?? diff[l.id]?.length ?? 0}</span></> }))}>
        {rows.length > 0 && rows.length < total &&
          <p class="muted small shown">Showing the first {rows.length} of {total}; the Findings tab lists them all.</p>}
        {!rows.length ? <Empty title={`No ${list} findings`} /> : (
          <TableWrap label={`${list} findings`}>
            <table class="table clickable findings">
              <thead><tr><th>Severity</th><th>Issue</th><th>Component</th><th>Summary</th></tr></thead>
              <tbody>{rows.map((f) => (
                <tr key={f.id} tabIndex={0} onClick={() => onOpen?.(f.id)} onKeyDown={onRowKey(() => onOpen?.(f.id))}>
                  <td><SeverityChip severity={f.severity} /></td>
                  <td class="mono">{f.vulnerability_key}</td>
                  <td class="mono">{f.component}{f.component_version ? `:${f.component_version}` : ''}</td>
                  <td class="ellipsis">{f.summary}</td>
                </tr>
              ))}</tbody>
            </table>
          </TableWrap>
        )}
      </Tabs>
    </section>
  );
}
