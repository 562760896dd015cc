import { useState } from 'preact/hooks';
import type { User } from '../api';
import { api } from '../api';
import { ErrorBox, Field } from '../components/ui';
import { errorText } from '../format';

export function SignIn({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!username || !password) { setError('Enter your username and password.'); return; }
    setBusy(true);
    setError(null);
    try {
      const s = await api.login(username, password);
      onSignedIn(s.user);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit} aria-label="Sign in">
        <div class="brand big"><span class="logo" aria-hidden="true">◆</span> Bulwark</div>
        <p class="muted">Sign in to manage scanners, projects and findings.</p>
        <ErrorBox error={error} />
        <Field label="Username" id="username">
          <input id="username" autoComplete="username" value={username} autoFocus
                 onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="Password" id="password">
          <input id="password" type="password" autoComplete="current-password" value={password}
                 onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </Field>
        <button class="btn primary wide" type="submit" aria-disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p class="hint">The first start prints the generated admin password once; <code>bulwark user passwd</code> resets it.</p>
      </form>
    </main>
  );
}
