// The filter bar of the findings table. It owns no state: the page keeps the query and gets a new
// one (with the cursor reset) on every change.
import { useEffect, useState } from 'preact/hooks';
import type { FindingQuery } from '../api';
import { SEVERITIES } from '../api';

// The lifecycle states the server filters on; triage decisions are shown beside them.
export const STATES = ['new', 'open', 'reopened', 'fixed'];
export const KINDS = ['vulnerability', 'license', 'violation'];
export const SORTS: { value: string; label: string }[] = [
  { value: '-severity', label: 'Severity (highest first)' },
  { value: 'id', label: 'Oldest first' },
];

function label(s: string) { return s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()); }

export function FindingFilters({ value, branches, onChange }: {
  value: FindingQuery; branches: string[]; onChange: (q: FindingQuery) => void;
}) {
  const [q, setQ] = useState(value.q ?? '');
  useEffect(() => { setQ(value.q ?? ''); }, [value.q]);
  const set = (patch: Partial<FindingQuery>) => onChange({ ...value, ...patch, cursor: undefined });
  const select = (id: keyof FindingQuery, lbl: string, options: string[]) => (
    <label class="filter">
      <span>{lbl}</span>
      <select id={`filter-${id}`} aria-label={lbl} value={(value[id] as string) ?? ''}
              onChange={(e) => set({ [id]: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="">All</option>
        {options.map((o) => <option key={o} value={o}>{label(o)}</option>)}
      </select>
    </label>
  );
  return (
    <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); set({ q: q.trim() || undefined }); }}>
      <label class="filter grow">
        <span>Search</span>
        <input id="filter-q" type="search" placeholder="CVE, issue id or component" value={q}
               onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      </label>
      {select('branch', 'Branch', branches)}
      {select('severity', 'Severity', SEVERITIES)}
      {select('state', 'State', STATES)}
      {select('kind', 'Kind', KINDS)}
      <label class="filter">
        <span>Sort</span>
        <select id="filter-sort" aria-label="Sort" value={value.sort ?? '-severity'}
                onChange={(e) => set({ sort: (e.target as HTMLSelectElement).value })}>
          {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </label>
      <button class="btn" type="submit">Search</button>
    </form>
  );
}
