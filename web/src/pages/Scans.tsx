// Project > Scans: start, follow (polling while a scan runs), cancel and rerun scans.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Scan, Scanner } from '../api';
import { api, TERMINAL_STATES } from '../api';
import { Empty, ErrorBox, Loading, SeverityCountsBar, TableWrap } from '../components/ui';
import { errorText, fmtDate, titleCase } from '../format';
import { usePermissions } from '../session';

export const POLL_MS = 1500;

export function isRunning(s: Scan): boolean { return !TERMINAL_STATES.includes(s.state); }

export function Scans({ projectId }: { projectId: string }) {
  const [scans, setScans] = useState<Scan[] | null>(null);
  const [scanners, setScanners] = useState<Scanner[]>([]);
  const [scannerId, setScannerId] = useState('');
  const { canChange } = usePermissions();
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = () => api.listScans(projectId).then((r) => { setScans(r.scans); setError(null); },
                                                     (e) => setError(errorText(e)));
  useEffect(() => {
    load();
    api.listScanners(projectId).then((r) => { setScanners(r.scanners); setScannerId(String(r.scanners[0]?.id ?? '')); }, () => {});
  }, [projectId]);
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    if (scans?.some(isRunning)) timer.current = setTimeout(load, POLL_MS);
    return () => { if (timer.current) clearTimeout(timer.current); };
  }, [scans]);
  const act = async (f: () => Promise<unknown>) => {
    try { await f(); await load(); } catch (e) { setError(errorText(e)); }
  };
  const rerun = (s: Scan) => act(() => api.startScan(projectId, s.scanner_id ? { scanner_id: s.scanner_id } : { tool: s.tool, branch: s.branch }));
  return (
    <div>
      <div class="toolbar">
        {!canChange ? <span class="muted">Scans started by members and pipelines appear here.</span>
          : scanners.length > 0 ? (
          <>
            <label class="filter"><span>Scanner</span>
              <select id="scan-scanner" value={scannerId} onChange={(e) => setScannerId((e.target as HTMLSelectElement).value)}>
                {scanners.map((s) => <option key={s.id} value={String(s.id)}>{s.repository_key} · {s.branch}</option>)}
              </select></label>
            <button class="btn primary" onClick={() => act(() => api.startScan(projectId, { scanner_id: scannerId }))}>Start scan</button>
          </>
        ) : <span class="muted">Add a JFrog Xray SCA scanner under <a href={`#/projects/${projectId}/settings`}>Settings</a> to scan a repository, or <a href={`#/projects/${projectId}/import`}>upload an export</a>.</span>}
      </div>
      <ErrorBox error={error} />
      {!scans && !error && <Loading />}
      {scans && !scans.length && <Empty title="No scans yet">{canChange ? 'Start a scan above or upload an Xray export under Import.' : 'No scan has run in this project yet.'}</Empty>}
      {scans && scans.length > 0 && (
        <TableWrap label="Scans">
          <table class="table scans">
            <thead><tr><th>Started</th><th>Method</th><th>Branch</th><th>State</th><th>Findings (C/H/M/L/I)</th><th class="num">New</th><th class="num">Fixed</th><th /></tr></thead>
            <tbody>{scans.map((s) => (
              <tr key={s.id}>
                <td><a href={`#/projects/${projectId}/scans/${s.id}`} aria-label={`Scan ${s.id}`}>{fmtDate(s.created_at)}</a></td>
                <td><span class="badge">{s.method}</span></td>
                <td>{s.branch}</td>
                <td>
                  <span class={`state scan-${s.state}`}>{titleCase(s.state)}</span>
                  {isRunning(s) && <progress max={100} value={s.progress ?? 0} aria-label="Progress" />}
                  {s.state === 'failed' && s.error && <div class="field-error">{s.error}</div>}
                  {s.hint && <div class="hint">{s.hint}</div>}
                </td>
                <td>{s.state === 'finished' ? <SeverityCountsBar counts={s.summary} /> : '—'}</td>
                <td class="num">{s.state === 'finished' ? s.new_findings ?? 0 : '—'}</td>
                <td class="num">{s.state === 'finished' ? s.fixed_findings ?? 0 : '—'}</td>
                <td class="actions-cell">
                  {!canChange ? null : isRunning(s)
                    ? <button class="btn small danger" aria-label={`Cancel scan ${s.id}`} onClick={() => act(() => api.cancelScan(s.id))}>Cancel</button>
                    : s.method !== 'import' && s.method !== 'ui-import' &&
                      <button class="btn small" aria-label={`Rerun scan ${s.id}`} onClick={() => rerun(s)}>Rerun</button>}
                </td>
              </tr>
            ))}</tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
