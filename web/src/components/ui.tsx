import type { ComponentChildren } from 'preact';
import { cloneElement, isValidElement } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Severity, SeverityCounts } from '../api';
import { SEVERITIES } from '../api';

export function SeverityChip({ severity }: { severity: Severity | string }) {
  const s = (severity || 'info').toLowerCase();
  const known = (SEVERITIES as string[]).includes(s) ? s : 'info';
  return <span class={`chip sev-${known}`} data-severity={known}>{known === 'info' && s !== 'info' ? s : known}</span>;
}

export function SeverityCountsBar({ counts }: { counts?: SeverityCounts }) {
  // The colours alone say which count is which; the label says it in words.
  const label = SEVERITIES.map((s) => `${s} ${counts?.[s] ?? 0}`).join(', ');
  return (
    <span class="sev-counts" role="img" aria-label={label}>
      {SEVERITIES.map((s) => (
        <span key={s} class={`count sev-${s}`} title={s}>{counts?.[s] ?? 0}</span>
      ))}
    </span>
  );
}

export function Toggle(props: { id: string; label: string; checked: boolean;
                                onChange: (v: boolean) => void; disabled?: boolean }) {
  // A native checkbox with the switch role: Tab reaches it, Space (or Enter) flips it, and
  // assistive technology reads it as an on/off switch; the track is only its picture.
  return (
    <label class="toggle" for={props.id}>
      <input id={props.id} type="checkbox" role="switch" checked={props.checked}
             aria-checked={props.checked} disabled={props.disabled}
             onKeyDown={(e) => {
               // Enter flips a switch too (and does not submit the form around it).
               if (e.key !== 'Enter') return;
               e.preventDefault();
               if (!props.disabled) props.onChange(!props.checked);
             }}
             onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <span class="track" aria-hidden="true"><span class="thumb" /></span>
      <span>{props.label}</span>
    </label>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), ' +
  'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements inside `root` that Tab stops at, in document order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)]
    .filter((el) => el.tabIndex >= 0 && !el.closest('[hidden], [inert]'));
}

let drawerCount = 0;

/**
 * A modal side panel. Focus moves into it when it opens (the first field, else the Close
 * button), Tab and Shift+Tab cycle inside it, Escape and the backdrop close it, and focus goes
 * back to the control that opened it — or to `returnFocus()` when that control is gone (e.g. an
 * Activate button that the activation removed). A control inside that handles Escape itself
 * (an open list) calls preventDefault and the drawer stays.
 */
export function Drawer(props: { title: string; onClose: () => void; children: ComponentChildren;
                                footer?: ComponentChildren; returnFocus?: () => HTMLElement | null }) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useRef(`drawer-title-${++drawerCount}`).current;
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  const returnFocus = useRef(props.returnFocus);
  returnFocus.current = props.returnFocus;
  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>(
      '.drawer-body input:not([type=hidden]):not([disabled]), .drawer-body select:not([disabled]), ' +
      '.drawer-body textarea, .drawer-body button:not([disabled])');
    (first ?? panel.current?.querySelector<HTMLElement>('.icon-btn'))?.focus();
    return () => {
      const back = before && before !== document.body && before.isConnected ? before
        : returnFocus.current?.() ?? document.getElementById('main-content');
      back?.focus?.();
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onClose.current();
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, []);
  const trap = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !panel.current) return;
    const items = tabbables(panel.current);
    if (!items.length) { e.preventDefault(); return; }
    const first = items[0], last = items[items.length - 1];
    const inside = panel.current.contains(document.activeElement);
    if (e.shiftKey && (document.activeElement === first || !inside)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (document.activeElement === last || !inside)) { e.preventDefault(); first.focus(); }
  };
  return (
    <div class="drawer-backdrop" onClick={(e) => { if (e.target === e.currentTarget) props.onClose(); }}>
      <div class="drawer" ref={panel} role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={trap}>
        <header class="drawer-head">
          <h2 id={titleId}>{props.title}</h2>
          <button class="icon-btn" type="button" aria-label="Close" onClick={props.onClose}>✕</button>
        </header>
        <div class="drawer-body">{props.children}</div>
        {props.footer && <footer class="drawer-foot">{props.footer}</footer>}
      </div>
    </div>
  );
}

/**
 * Tabs that switch a panel in place (WAI-ARIA tabs): one Tab stop for the whole list, the arrow
 * keys, Home and End move between tabs and select them, and the panel names its tab.
 */
export function Tabs<T extends string>(props: {
  idPrefix: string; label: string; tabs: { id: T; label: ComponentChildren }[]; selected: T;
  onSelect: (id: T) => void; children: ComponentChildren;
}) {
  const list = useRef<HTMLDivElement>(null);
  const ids = props.tabs.map((t) => t.id);
  const onKey = (e: KeyboardEvent) => {
    const i = ids.indexOf(props.selected);
    const to = e.key === 'ArrowRight' ? (i + 1) % ids.length
      : e.key === 'ArrowLeft' ? (i - 1 + ids.length) % ids.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? ids.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    props.onSelect(ids[to]);
    list.current?.querySelector<HTMLElement>(`#${props.idPrefix}-tab-${ids[to]}`)?.focus();
  };
  return (
    <>
      <div class="tabs" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKey}>
        {props.tabs.map((t) => (
          <button key={t.id} id={`${props.idPrefix}-tab-${t.id}`} type="button" role="tab"
                  aria-selected={props.selected === t.id} aria-controls={`${props.idPrefix}-panel`}
                  tabIndex={props.selected === t.id ? 0 : -1} data-list={t.id}
                  class={props.selected === t.id ? 'tab active' : 'tab'}
                  onClick={() => props.onSelect(t.id)}>{t.label}</button>
        ))}
      </div>
      <div id={`${props.idPrefix}-panel`} role="tabpanel"
           aria-labelledby={`${props.idPrefix}-tab-${props.selected}`}>{props.children}</div>
    </>
  );
}

/**
 * A table's own horizontal scroller, so a wide table never widens the page. When the table is
 * wider than the box, the box joins the Tab order (arrow keys then scroll it) and names itself.
 */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    measure();
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    if (el.firstElementChild) ro?.observe(el.firstElementChild);
    return () => ro?.disconnect();
  }, []);
  return (
    <div class="table-wrap" ref={box} role={scrolls ? 'region' : undefined}
         aria-label={scrolls ? `${label} (scrolls sideways)` : undefined} tabIndex={scrolls ? 0 : undefined}>
      {children}
    </div>
  );
}

/** Keyboard handler for a clickable table row: Enter and Space act like a click. */
export function onRowKey(action: () => void) {
  return (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); action(); }
  };
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

export function ErrorBox({ error }: { error?: string | null }) {
  if (!error) return null;
  return <div class="alert alert-error" role="alert">{error}</div>;
}

/**
 * A labelled form field. A native control given as the only child is tied to its hint or error
 * (aria-describedby), marked aria-required and aria-invalid; a custom control reads the same ids
 * from `describedBy(id, error)`.
 */
export function Field(props: { label: string; id: string; required?: boolean; error?: string;
                               hint?: string; children: ComponentChildren }) {
  const described = describedBy(props.id, props.error, props.hint);
  const child = props.children;
  const control = isValidElement(child) && typeof child.type === 'string'
    ? cloneElement(child, { 'aria-describedby': described, 'aria-invalid': props.error ? true : undefined,
                            'aria-required': props.required || undefined })
    : child;
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}{props.required && <span class="req" aria-hidden="true"> *</span>}</label>
      {control}
      {props.hint && !props.error && <small class="hint" id={`${props.id}-hint`}>{props.hint}</small>}
      {props.error && <small class="field-error" id={`${props.id}-error`} role="alert">{props.error}</small>}
    </div>
  );
}

/** The id a field's control names in aria-describedby: its error, else its hint. */
export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function Loading() {
  return <div class="loading" role="status" aria-busy="true">Loading…</div>;
}
