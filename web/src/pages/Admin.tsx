// Admin: users and API tokens. A new token is shown once, with a copy button.
import { useEffect, useState } from 'preact/hooks';
import type { ApiToken, CreatedToken, Role, User } from '../api';
import { api } from '../api';
import { Empty, ErrorBox, Field, TableWrap } from '../components/ui';
import { errorText, fmtDate, fmtDay } from '../format';

export function Admin() {
  return (
    <section>
      <header class="page-head"><h1>Administration</h1></header>
      <div class="grid2"><Users /><Tokens /></div>
    </section>
  );
}

function Users() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ username: '', password: '', role: 'member' as Role });
  const load = () => api.listUsers().then((r) => setUsers(r.users), (e) => setError(errorText(e)));
  useEffect(() => { load(); }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!form.username || form.password.length < 8) {
      setError('A user needs a username and a password of at least 8 characters.'); return;
    }
    try { await api.createUser(form); setForm({ username: '', password: '', role: 'member' }); load(); }
    catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="card">
      <h2>Users</h2>
      <ErrorBox error={error} />
      {users && !users.length && <Empty title="No users yet" />}
      {users && users.length > 0 && (
        <TableWrap label="Users"><table class="table"><thead><tr><th>Username</th><th>Role</th><th>Created</th></tr></thead>
          <tbody>{users.map((u) => <tr key={u.username}><td>{u.username}</td><td>{u.role}</td><td>{fmtDay(u.created_at)}</td></tr>)}</tbody>
        </table></TableWrap>
      )}
      <form class="form inline" onSubmit={create} aria-label="New user">
        <Field label="Username" id="new-username" required>
          <input id="new-username" value={form.username} onInput={(e) => setForm({ ...form, username: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field label="Password" id="new-password" required>
          <input id="new-password" type="password" autoComplete="new-password" value={form.password}
                 onInput={(e) => setForm({ ...form, password: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field label="Role" id="new-role">
          <select id="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value as Role })}>
            <option value="admin">admin</option><option value="member">member</option><option value="viewer">viewer</option>
          </select>
        </Field>
        <button class="btn primary" type="submit">Add user</button>
      </form>
    </div>
  );
}

function Tokens() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copied, setCopied] = useState(false);
  const load = () => api.listTokens().then((r) => setTokens(r.tokens), (e) => setError(errorText(e)));
  useEffect(() => { load(); }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) { setError('Name the token after what uses it, e.g. "ci-pipeline".'); return; }
    try {
      setCreated(await api.createToken({ name: name.trim(), expires_at: expires ? new Date(expires).toISOString() : undefined }));
      setName(''); setExpires(''); setCopied(false); load();
    } catch (err) { setError(errorText(err)); }
  };
  const revoke = async (t: ApiToken) => {
    if (!globalThis.confirm(`Revoke token "${t.name}"? Clients using it stop working.`)) return;
    try { await api.deleteToken(t.id); load(); } catch (err) { setError(errorText(err)); }
  };
  const copy = async () => {
    if (!created) return;
    try { await navigator.clipboard.writeText(created.token); setCopied(true); }
    catch { setError('Copy failed: select the token and copy it by hand.'); }
  };
  return (
    <div class="card">
      <h2>API tokens</h2>
      <ErrorBox error={error} />
      {created && (
        <div class="alert alert-ok token-once" role="status">
          <p>Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.</p>
          <div class="copy-row"><code class="secret">{created.token}</code>
            <button class="btn" onClick={copy}>{copied ? 'Copied' : 'Copy'}</button></div>
        </div>
      )}
      {tokens && !tokens.length && <Empty title="No API tokens">Create one for CI pipelines and the kdt CLI.</Empty>}
      {tokens && tokens.length > 0 && (
        <TableWrap label="API tokens"><table class="table"><thead><tr><th>Name</th><th>Created</th><th>Expires</th><th>Last used</th><th /></tr></thead>
          <tbody>{tokens.map((t) => (
            <tr key={t.id}><td>{t.name}</td><td>{fmtDay(t.created_at)}</td><td>{t.expires_at ? fmtDay(t.expires_at) : 'never'}</td>
              <td>{t.last_used_at ? fmtDate(t.last_used_at) : 'never'}</td>
              <td><button class="btn danger small" aria-label={`Revoke token ${t.name}`} onClick={() => revoke(t)}>Revoke</button></td></tr>
          ))}</tbody>
        </table></TableWrap>
      )}
      <form class="form inline" onSubmit={create} aria-label="New token">
        <Field label="Name" id="token-name" required>
          <input id="token-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="Expires (optional)" id="token-expires">
          <input id="token-expires" type="date" value={expires} onInput={(e) => setExpires((e.target as HTMLInputElement).value)} />
        </Field>
        <button class="btn primary" type="submit">Create token</button>
      </form>
    </div>
  );
}
