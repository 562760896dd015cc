import { useEffect, useState } from 'preact/hooks';
import type { Project } from '../api';
import { api } from '../api';
import { Drawer, Empty, ErrorBox, Field, Loading, SeverityCountsBar, TableWrap } from '../components/ui';
import { errorText } from '../format';
import { navigate } from '../router';
import { usePermissions } from '../session';

export function Projects() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const { canChange } = usePermissions();
  const load = () => api.listProjects().then((r) => setProjects(r.projects), (e) => setError(errorText(e)));
  useEffect(() => { load(); }, []);
  return (
    <section>
      <header class="page-head"><h1>Projects</h1>
        {canChange && <button class="btn primary" onClick={() => setCreating(true)}>New project</button>}</header>
      <ErrorBox error={error} />
      {!projects && !error && <Loading />}
      {projects && !projects.length && (
        <Empty title="No projects yet">{canChange
          ? 'Create a project, then add the JFrog Xray SCA scanner to it or upload an Xray export.'
          : 'A member or an administrator creates projects; they appear here once they exist.'}</Empty>
      )}
      {projects && projects.length > 0 && (
        <TableWrap label="Projects">
          <table class="table clickable">
            <thead><tr><th>Name</th><th>Default branch</th><th>Findings (C/H/M/L/I)</th><th class="num">Risk score</th></tr></thead>
            <tbody>{projects.map((p) => (
              // The name's link is the keyboard's way in; a click anywhere on the row does the same.
              <tr key={p.id} onClick={() => navigate(`/projects/${p.id}/overview`)}>
                <td class="name-cell"><a href={`#/projects/${p.id}/overview`}>{p.name}</a>{p.description && <div class="muted small">{p.description}</div>}</td>
                <td>{p.default_branch ?? '—'}</td>
                <td><SeverityCountsBar counts={p.summary} /></td>
                <td class="num">{p.risk_score ?? 0}</td>
              </tr>
            ))}</tbody>
          </table>
        </TableWrap>
      )}
      {creating && <CreateProject onClose={() => setCreating(false)} onCreated={(p) => navigate(`/projects/${p.id}/overview`)} />}
    </section>
  );
}

function CreateProject({ onClose, onCreated }: { onClose: () => void; onCreated: (p: Project) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [branch, setBranch] = useState('main');
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) { setNameError('A project needs a name.'); return; }
    setNameError(undefined);
    try { onCreated(await api.createProject({ name: name.trim(), description, default_branch: branch || 'main' })); }
    catch (err) { setError(errorText(err)); }
  };
  return (
    <Drawer title="New project" onClose={onClose}>
      <form class="form" onSubmit={submit}>
        <ErrorBox error={error} />
        <Field label="Name" id="project-name" required error={nameError}>
          <input id="project-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="Description" id="project-description">
          <textarea id="project-description" value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field label="Default branch" id="project-branch">
          <input id="project-branch" value={branch} onInput={(e) => setBranch((e.target as HTMLInputElement).value)} />
        </Field>
        <div class="actions"><button type="button" class="btn" onClick={onClose}>Cancel</button>
          <button class="btn primary" type="submit">Create project</button></div>
      </form>
    </Drawer>
  );
}
