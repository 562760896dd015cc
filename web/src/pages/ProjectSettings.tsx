// Project > Settings: the project's own fields (name, description, default branch) and its
// scanners, with the Add Scanner flow (type SCA, then JFrog Xray SCA, then the drawer) and Edit.
// Viewers see the settings without any control that changes them.
import { useEffect, useState } from 'preact/hooks';
import type { Project, Scanner } from '../api';
import { api } from '../api';
import { Drawer, Empty, ErrorBox, Field, Loading, TableWrap } from '../components/ui';
import { errorText, fmtDate, titleCase } from '../format';
import { usePermissions } from '../session';
import { ScannerForm } from './ScannerForm';

export { ENVIRONMENTS, validateScanner } from './ScannerForm';

export function ProjectSettings({ projectId, project, onProjectChanged }: {
  projectId: string; project?: Project | null; onProjectChanged?: (p: Project) => void;
}) {
  const [scanners, setScanners] = useState<Scanner[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<'none' | 'type' | 'tool' | 'form'>('none');
  const [editing, setEditing] = useState<Scanner | null>(null);
  const { canChange } = usePermissions();
  const load = () => api.listScanners(projectId).then((r) => setScanners(r.scanners), (e) => setError(errorText(e)));
  useEffect(() => { load(); }, [projectId]);
  const remove = async (s: Scanner) => {
    if (!globalThis.confirm(`Remove the scanner for ${s.repository_key} (${s.branch})?`)) return;
    try { await api.deleteScanner(projectId, s.id); load(); } catch (e) { setError(errorText(e)); }
  };
  const close = () => { setStep('none'); setEditing(null); };
  return (
    <div>
      {project && <ProjectForm project={project} readOnly={!canChange} onSaved={(p) => onProjectChanged?.(p)} />}
      <div class="toolbar"><h2>Scanners</h2>
        {canChange && <button class="btn primary" onClick={() => setStep('type')}>Add Scanner</button>}</div>
      <ErrorBox error={error} />
      {!scanners && !error && <Loading />}
      {scanners && !scanners.length && <Empty title="No scanners">{canChange
        ? 'Add the JFrog Xray SCA scanner to scan a repository on demand or on a schedule.'
        : 'No scanner is configured for this project.'}</Empty>}
      {scanners && scanners.length > 0 && (
        <TableWrap label="Scanners">
          <table class="table scanners"><thead><tr><th>Tool</th><th>Repository</th><th>Branch</th><th>Environment</th><th>Schedule</th><th /></tr></thead>
            <tbody>{scanners.map((s) => (
              <tr key={s.id}><td>JFrog Xray SCA</td><td class="mono">{s.repository_key}</td><td>{s.branch}</td>
                <td>{s.environment ? titleCase(s.environment) : '—'}</td>
                <td>{s.schedule?.enabled
                  ? <>{titleCase(s.schedule.recurrence ?? 'daily')}{s.schedule.next_run_at && <div class="muted small">next {fmtDate(s.schedule.next_run_at)}</div>}</>
                  : 'Off'}</td>
                <td class="actions-cell">{canChange && <>
                  <button class="btn small" aria-label={`Edit scanner ${s.repository_key} (${s.branch})`}
                          onClick={() => { setEditing(s); setStep('form'); }}>Edit</button>
                  <button class="btn small danger" aria-label={`Remove scanner ${s.repository_key} (${s.branch})`}
                          onClick={() => remove(s)}>Remove</button></>}</td></tr>
            ))}</tbody></table>
        </TableWrap>
      )}
      {step === 'type' && (
        <Drawer title="Add Scanner — type" onClose={close}>
          <div class="choices">
            <button class="choice" onClick={() => setStep('tool')}><strong>SCA</strong><span>Software composition analysis</span></button>
          </div>
        </Drawer>
      )}
      {step === 'tool' && (
        <Drawer title="Add Scanner — SCA" onClose={close}>
          <div class="choices">
            <button class="choice" onClick={() => setStep('form')}><strong>JFrog Xray SCA</strong><span>Scan a JFrog repository through the Xray Reports API</span></button>
          </div>
        </Drawer>
      )}
      {step === 'form' && canChange && (
        <ScannerForm key={editing?.id ?? 'new'} projectId={projectId} scanner={editing ?? undefined}
                     onClose={close} onSaved={() => { close(); load(); }} />
      )}
    </div>
  );
}

/** The project's name, description and default branch; saved with PATCH. */
export function ProjectForm({ project, readOnly, onSaved, save = (id, p) => api.updateProject(id, p) }: {
  project: Project; readOnly: boolean; onSaved: (p: Project) => void;
  save?: (id: string, p: { name: string; description: string; default_branch: string }) => Promise<Project>;
}) {
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description ?? '');
  const [branch, setBranch] = useState(project.default_branch ?? 'main');
  const [errors, setErrors] = useState<{ name?: string; branch?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!name.trim()) errs.name = 'A project needs a name.';
    if (!branch.trim()) errs.branch = 'Enter the branch findings default to, e.g. main.';
    setErrors(errs); setSaved(false); setError(null);
    if (Object.keys(errs).length) return;
    try {
      onSaved(await save(String(project.id), { name: name.trim(), description, default_branch: branch.trim() }));
      setSaved(true);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <form class="form card narrow project-form" onSubmit={submit} aria-label="Project">
      <h2>Project</h2>
      <ErrorBox error={error} />
      <Field label="Name" id="pf-name" required={!readOnly} error={errors.name}>
        <input id="pf-name" value={name} readOnly={readOnly} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label="Description" id="pf-description">
        <textarea id="pf-description" value={description} readOnly={readOnly} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
      </Field>
      <Field label="Default branch" id="pf-branch" required={!readOnly} error={errors.branch}>
        <input id="pf-branch" value={branch} readOnly={readOnly} onInput={(e) => setBranch((e.target as HTMLInputElement).value)} />
      </Field>
      {saved && <div class="alert alert-ok" role="status">Project saved.</div>}
      {!readOnly && <div class="actions"><button class="btn primary" type="submit">Save project</button></div>}
    </form>
  );
}
