// A tiny hash router: routes are "#/path/segments"; components read the current route through
// useRoute() and move with navigate().
import { useEffect, useState } from 'preact/hooks';

export function currentPath(): string {
  const h = globalThis.location?.hash ?? '';
  return h.startsWith('#') ? h.slice(1) || '/' : '/';
}

export function navigate(path: string) {
  if (currentPath() !== path) globalThis.location.hash = path;
}

export function useRoute(): string[] {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    globalThis.addEventListener('hashchange', on);
    return () => globalThis.removeEventListener('hashchange', on);
  }, []);
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}
