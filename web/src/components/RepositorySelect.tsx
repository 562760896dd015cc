// A searchable select of the JFrog repositories, loaded live from the server as the user types.
// Non-indexed repositories are marked (a scan of them finds nothing); virtual ones cannot be chosen.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Repository } from '../api';
import { errorText } from '../format';

export type RepositoryLoader = (q: string) => Promise<{ repositories: Repository[] }>;

export function selectable(r: Repository): boolean {
  return r.scannable !== false && r.type.toLowerCase() !== 'virtual';
}

/**
 * Keyboard: typing filters, ArrowDown/ArrowUp open the list and move through it, Enter picks the
 * highlighted repository, Escape closes the list (and only the list, not a drawer around it).
 */
export function RepositorySelect({ id, value, onChange, load, debounceMs = 250, invalid, required, describedBy }: {
  id: string; value: string; onChange: (key: string) => void; load: RepositoryLoader;
  debounceMs?: number; invalid?: boolean; required?: boolean; describedBy?: string;
}) {
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [repos, setRepos] = useState<Repository[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(-1);
  const seq = useRef(0);
  useEffect(() => {
    if (!open) return;
    const mine = ++seq.current;
    const t = setTimeout(() => {
      load(text).then((r) => { if (mine === seq.current) { setRepos(r.repositories); setError(null); } },
                      (e) => { if (mine === seq.current) { setRepos([]); setError(errorText(e)); } });
    }, debounceMs);
    return () => clearTimeout(t);
  }, [text, open]);
  const pick = (r: Repository) => {
    if (!selectable(r)) return;
    onChange(r.key); setText(r.key); setOpen(false);
  };
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-opt-${i}`;
  const list = repos ?? [];
  const move = (to: number) => {
    setActive(to);
    globalThis.document?.getElementById(optionId(to))?.scrollIntoView?.({ block: 'nearest' });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) { setOpen(true); return; }
      if (list.length) move(Math.min(list.length - 1, active + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) { setOpen(true); return; }
      if (list.length) move(Math.max(0, active - 1));
    } else if (e.key === 'Enter' && open && list[active]) {
      e.preventDefault(); pick(list[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault(); setOpen(false); setActive(-1);
    }
  };
  return (
    <div class="combo">
      <input id={id} role="combobox" aria-expanded={open} aria-controls={listId} aria-autocomplete="list"
             aria-invalid={invalid || undefined} aria-required={required || undefined}
             aria-describedby={describedBy}
             aria-activedescendant={open && active >= 0 && list[active] ? optionId(active) : undefined}
             autoComplete="off" value={text} placeholder="Search repositories"
             onFocus={() => setOpen(true)} onKeyDown={onKey}
             onBlur={() => setTimeout(() => { setOpen(false); setActive(-1); }, 150)}
             onInput={(e) => { setText((e.target as HTMLInputElement).value); setOpen(true); setActive(-1); if (value) onChange(''); }} />
      {open && (
        <ul class="combo-list" id={listId} role="listbox" aria-label="Repositories">
          {repos === null && <li class="muted">Loading repositories…</li>}
          {error && <li class="field-error">{error}</li>}
          {repos && !repos.length && !error && <li class="muted">No repository matches “{text}”.</li>}
          {repos?.map((r, i) => (
            <li key={r.key} id={optionId(i)} role="option" aria-selected={r.key === value} aria-disabled={!selectable(r)}
                class={`${i === active ? 'active ' : ''}${selectable(r) ? '' : 'disabled'}`}
                onMouseDown={(e) => { e.preventDefault(); pick(r); }}>
              <span class="mono">{r.key}</span>
              <span class="repo-meta">{r.package_type} · {r.type}
                {!selectable(r) && <span class="tag warn">{r.type.toLowerCase()} — not scannable</span>}
                {selectable(r) && r.indexed === false && <span class="tag warn">not indexed</span>}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
