// The shell: session check, sign-in gate, navigation and routes.
import { useEffect, useRef, useState } from 'preact/hooks';
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

const TITLES: Record<string, string> = { projects: 'Projects', integrations: 'Integrations', admin: 'Administration' };

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [menuOpen, setMenuOpen] = useState(false);
  const route = useRoute();
  // After signing in, the keyboard focus starts at the main content (the form it was in is gone).
  const justSignedIn = useRef(false);
  useEffect(() => {
    if (user && justSignedIn.current) document.getElementById('main-content')?.focus();
    justSignedIn.current = false;
  }, [user]);
  // On a narrow screen the navigation folds into a Menu button; moving to another screen folds it.
  useEffect(() => { setMenuOpen(false); }, [route.join('/')]);
  // Each screen names itself in the window title (a project's screens do it with the project name).
  useEffect(() => {
    const top = route[0];
    if (user && top === 'projects' && route[1]) return;
    document.title = `${!user ? 'Sign in' : TITLES[top] ?? 'Projects'} — Bulwark`;
  }, [route.join('/'), user]);
  useEffect(() => {
    api.onUnauthorized = () => setUser(null);
    api.me().then(setUser, () => setUser(null));
  }, []);
  if (user === undefined) return <Loading />;
  if (user === null) return <SignIn onSignedIn={(u) => { justSignedIn.current = true; setUser(u); if (!route.length) navigate('/projects'); }} />;
  const signOut = async () => { try { await api.logout(); } finally { setUser(null); } };
  const [top, id, tab, sub] = route;
  const nav = (path: string, label: string) => (
    <a href={`#/${path}`} class={top === path ? 'active' : ''} aria-current={top === path ? 'page' : undefined}>{label}</a>
  );
  const skip = (e: Event) => {
    // The router owns the location hash, so the skip link moves the focus itself.
    e.preventDefault();
    document.getElementById('main-content')?.focus();
  };
  return (
    <UserContext.Provider value={user}>
    <a class="skip-link" href="#main-content" onClick={skip}>Skip to main content</a>
    <div class="shell">
      <aside class={menuOpen ? 'sidebar open' : 'sidebar'}>
        <div class="brand"><span class="logo" aria-hidden="true">◆</span> Bulwark</div>
        <button class="menu-btn btn small ghost" type="button" aria-expanded={menuOpen} aria-controls="main-nav"
                onClick={() => setMenuOpen(!menuOpen)}>Menu</button>
        <nav id="main-nav" aria-label="Main">
          {nav('projects', 'Projects')}
          {nav('integrations', 'Integrations')}
          {user.role === 'admin' && nav('admin', 'Administration')}
        </nav>
        <div class="me">
          <span title={user.role}>{user.username} <span class="muted small">({user.role})</span></span>
          <button class="btn small ghost" onClick={signOut}>Sign out</button>
        </div>
      </aside>
      <main class="content" id="main-content" tabIndex={-1}>
        {top === 'integrations' ? <Integrations />
          : top === 'admin' && user.role === 'admin' ? <Admin />
          : top === 'projects' && id ? <Project id={id} tab={(tab ?? 'overview').split('?')[0]} sub={sub?.split('?')[0]} />
          : <Projects />}
      </main>
    </div>
    </UserContext.Provider>
  );
}
