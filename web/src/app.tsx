// The shell: session check, sign-in gate, navigation and routes.
import { useEffect, useState } from 'preact/hooks';
import type { User } from './api';
import { api } from './api';
import { Loading } from './components/ui';
import { Admin } from './pages/Admin';
import { Integrations } from './pages/Integrations';
import { Project } from './pages/Project';
import { Projects } from './pages/Projects';
import { SignIn } from './pages/SignIn';
import { navigate, useRoute } from './router';
import { UserContext } from './session';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api.onUnauthorized = () => setUser(null);
    api.me().then(setUser, () => setUser(null));
  }, []);
  if (user === undefined) return <Loading />;
  if (user === null) return <SignIn onSignedIn={(u) => { setUser(u); if (!route.length) navigate('/projects'); }} />;
  const signOut = async () => { try { await api.logout(); } finally { setUser(null); } };
  const [top, id, tab, sub] = route;
  const nav = (path: string, label: string) => (
    <a href={`#/${path}`} class={top === path ? 'active' : ''} aria-current={top === path ? 'page' : undefined}>{label}</a>
  );
  return (
    <UserContext.Provider value={user}>
    <div class="shell">
      <aside class="sidebar">
        <div class="brand"><span class="logo">◆</span> Bulwark</div>
        <nav aria-label="Main">
          {nav('projects', 'Projects')}
          {nav('integrations', 'Integrations')}
          {user.role === 'admin' && nav('admin', 'Administration')}
        </nav>
        <div class="me">
          <span title={user.role}>{user.username} <span class="muted small">({user.role})</span></span>
          <button class="btn small ghost" onClick={signOut}>Sign out</button>
        </div>
      </aside>
      <main class="content">
        {top === 'integrations' ? <Integrations />
          : top === 'admin' && user.role === 'admin' ? <Admin />
          : top === 'projects' && id ? <Project id={id} tab={(tab ?? 'overview').split('?')[0]} sub={sub?.split('?')[0]} />
          : <Projects />}
      </main>
    </div>
    </UserContext.Provider>
  );
}
