// Project > Import (UI-Import): upload an Xray JSON export; a rejected file shows the ingest error.
import { useState } from 'preact/hooks';
import type { Scan } from '../api';
import { api, ApiError } from '../api';
import { ErrorBox, Field } from '../components/ui';
import { errorText, titleCase } from '../format';
import { usePermissions } from '../session';
import { ENVIRONMENTS } from './ScannerForm';

export function ImportPage({ projectId, defaultBranch }: { projectId: string; defaultBranch?: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [branch, setBranch] = useState(defaultBranch ?? 'main');
  const [environment, setEnvironment] = useState('');
  const [metaData, setMetaData] = useState('');
  const [scanTag, setScanTag] = useState('');
  const [drag, setDrag] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ file?: string; branch?: string }>({});
  const [scan, setScan] = useState<Scan | null>(null);
  const { canChange } = usePermissions();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const errs = { file: file ? undefined : 'Choose an Xray JSON export to upload.',
                   branch: branch.trim() ? undefined : 'Enter the branch the export belongs to.' };
    setFieldErrors(errs);
    if (!file || errs.branch) return;
    setBusy(true); setError(null); setScan(null);
    try {
      setScan(await api.importFile(projectId, { file, branch: branch.trim(), environment, meta_data: metaData, scan_tag: scanTag }));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 422 ? `The file was rejected: ${err.message}` : errorText(err));
    } finally { setBusy(false); }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault(); setDrag(false);
    const f = e.dataTransfer?.files?.[0];
    if (f) { setFile(f); setFieldErrors({ ...fieldErrors, file: undefined }); }
  };
  if (!canChange) return <p class="muted">Uploading exports needs the member role.</p>;
  return (
    <form class="form card narrow" onSubmit={submit} aria-label="Upload export">
      <h2>Upload an Xray export</h2>
      <p class="muted">JSON from the Xray UI export, the Reports API, <code>jf scan</code> or <code>jf audit</code>.</p>
      <div class={`field${fieldErrors.file ? ' has-error' : ''}`}>
        <label class={drag ? 'dropzone over' : 'dropzone'} onDragOver={(e) => { e.preventDefault(); setDrag(true); }}
               onDragLeave={() => setDrag(false)} onDrop={onDrop}>
          <input id="import-file" type="file" accept=".json,application/json" aria-label="Xray JSON export"
                 aria-required="true" aria-invalid={fieldErrors.file ? true : undefined}
                 aria-describedby={fieldErrors.file ? 'import-file-error' : undefined}
                 onChange={(e) => { setFile((e.target as HTMLInputElement).files?.[0] ?? null); setFieldErrors({ ...fieldErrors, file: undefined }); }} />
          <span>{file ? <><strong>{file.name}</strong> ({Math.ceil(file.size / 1024)} KiB)</> : 'Drop a JSON file here or choose one'}</span>
        </label>
        {fieldErrors.file && <small class="field-error" id="import-file-error" role="alert">{fieldErrors.file}</small>}
      </div>
      <Field label="Tool" id="import-tool"><select id="import-tool" disabled><option>JFrog Xray SCA</option></select></Field>
      <Field label="Branch" id="import-branch" required error={fieldErrors.branch}>
        <input id="import-branch" value={branch} onInput={(e) => setBranch((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label="Environment" id="import-env">
        <select id="import-env" value={environment} onChange={(e) => setEnvironment((e.target as HTMLSelectElement).value)}>
          <option value="">None</option>{ENVIRONMENTS.map((v) => <option key={v} value={v}>{titleCase(v)}</option>)}
        </select>
      </Field>
      <Field label="Meta Data" id="import-meta">
        <input id="import-meta" value={metaData} onInput={(e) => setMetaData((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label="Scan Tag" id="import-tag">
        <input id="import-tag" value={scanTag} onInput={(e) => setScanTag((e.target as HTMLInputElement).value)} />
      </Field>
      <ErrorBox error={error} />
      {scan && <div class="alert alert-ok" role="status">Uploaded{scan.format ? ` — detected format: ${scan.format}` : ''}: scan {scan.id} is {titleCase(scan.state)}. <a href={`#/projects/${projectId}/scans/${scan.id}`}>Follow it</a>.</div>}
      <div class="actions"><button class="btn primary" type="submit" aria-disabled={busy}>{busy ? 'Uploading…' : 'Upload'}</button></div>
    </form>
  );
}
