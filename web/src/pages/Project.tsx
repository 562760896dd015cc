// A project's screens: Overview, Findings, Scans, Import and Settings, under one header.
import { useEffect, useState } from 'preact/hooks';
import type { Project as ProjectT, ProjectSummary } from '../api';
import { api, SEVERITIES } from '../api';
import { TrendChart } from '../components/TrendChart';
import { ErrorBox, Loading } from '../components/ui';
import { errorText, titleCase } from '../format';
import { Findings } from './Findings';
import { ImportPage } from './Import';
import { Scans } from './Scans';
import { ProjectSettings } from './ProjectSettings';
import { ScanDetail } from './ScanDetail';
import { usePermissions } from '../session';

const TABS = ['overview', 'findings', 'scans', 'import', 'settings'];

export function Project({ id, tab, sub }: { id: string; tab: string; sub?: string }) {
  const [project, setProject] = useState<ProjectT | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { canChange } = usePermissions();
  useEffect(() => { api.getProject(id).then(setProject, (e) => setError(errorText(e))); }, [id]);
  // A viewer uploads nothing: the Import tab is for members.
  const tabs = canChange ? TABS : TABS.filter((t) => t !== 'import');
  const current = tabs.includes(tab) ? tab : 'overview';
  useEffect(() => { document.title = `${project?.name ?? 'Project'} › ${titleCase(current)} — Bulwark`; }, [project?.name, current]);
  return (
    <section>
      <header class="page-head"><h1><a href="#/projects" class="crumb">Projects</a> › {project?.name ?? '…'}</h1></header>
      <ErrorBox error={error} />
      <nav class="tabs" aria-label="Project">
        {tabs.map((t) => <a key={t} href={`#/projects/${id}/${t}`} class={t === current ? 'tab active' : 'tab'}
                             aria-current={t === current ? 'page' : undefined}>{titleCase(t)}</a>)}
      </nav>
      {current === 'overview' && <Overview id={id} />}
      {current === 'findings' && <Findings projectId={id} />}
      {current === 'scans' && (sub ? <ScanDetail projectId={id} scanId={sub} /> : <Scans projectId={id} />)}
      {current === 'import' && <ImportPage projectId={id} defaultBranch={project?.default_branch} />}
      {current === 'settings' && <ProjectSettings projectId={id} project={project} onProjectChanged={setProject} />}
    </section>
  );
}

function Overview({ id }: { id: string }) {
  const [s, setS] = useState<ProjectSummary | null>(null);
  const { canChange } = usePermissions();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.projectSummary(id).then(setS, (e) => setError(errorText(e))); }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (!s) return <Loading />;
  const states = Object.entries(s.by_state ?? {});
  return (
    <div class="overview">
      <div class="stat-row">
        <div class="stat risk"><span class="label">Risk score</span><span class="value">{s.risk_score}</span></div>
        {SEVERITIES.map((sev) => (
          <a key={sev} class={`stat sev-border-${sev}`} href={`#/projects/${id}/findings?severity=${sev}`}>
            <span class="label">{titleCase(sev)}</span><span class="value">{s.by_severity?.[sev] ?? 0}</span></a>
        ))}
      </div>
      <div class="grid2">
        <div class="card"><h2>Trend</h2><TrendChart points={s.trend ?? []} /></div>
        <div class="card"><h2>By state</h2>
          {states.some(([, v]) => v > 0) ? (
            <table class="table compact"><tbody>{states.map(([k, v]) => <tr key={k}><td>{titleCase(k)}</td><td class="num">{v}</td></tr>)}</tbody></table>
          ) : <p class="muted">No findings yet.{canChange ? ' Run a scan or upload an Xray export under Import.' : ''}</p>}
        </div>
      </div>
    </div>
  );
}
