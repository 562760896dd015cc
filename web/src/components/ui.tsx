import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Severity, SeverityCounts } from '../api';
import { SEVERITIES } from '../api';

export function SeverityChip({ severity }: { severity: Severity | string }) {
  const s = (severity || 'info').toLowerCase();
  const known = (SEVERITIES as string[]).includes(s) ? s : 'info';
  return <span class={`chip sev-${known}`} data-severity={known}>{known === 'info' && s !== 'info' ? s : known}</span>;
}

export function SeverityCountsBar({ counts }: { counts?: SeverityCounts }) {
  return (
    <span class="sev-counts">
      {SEVERITIES.map((s) => (
        <span key={s} class={`count sev-${s}`} title={s}>{counts?.[s] ?? 0}</span>
      ))}
    </span>
  );
}

export function Toggle(props: { id: string; label: string; checked: boolean;
                                onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <label class="toggle" for={props.id}>
      <input id={props.id} type="checkbox" role="switch" checked={props.checked}
             disabled={props.disabled}
             onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <span class="track" aria-hidden="true"><span class="thumb" /></span>
      <span>{props.label}</span>
    </label>
  );
}

export function Drawer(props: { title: string; onClose: () => void; children: ComponentChildren;
                                footer?: ComponentChildren }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Move focus into the drawer for keyboard users, and give it back on close.
    const before = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>(
      '.drawer-body input:not([type=hidden]), .drawer-body select, .drawer-body textarea, .drawer-body button');
    (first ?? panel.current?.querySelector<HTMLElement>('.icon-btn'))?.focus();
    return () => before?.focus?.();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') props.onClose(); };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div class="drawer-backdrop" onClick={(e) => { if (e.target === e.currentTarget) props.onClose(); }}>
      <div class="drawer" ref={panel} role="dialog" aria-modal="true" aria-label={props.title}>
        <header class="drawer-head">
          <h2>{props.title}</h2>
          <button class="icon-btn" aria-label="Close" onClick={props.onClose}>✕</button>
        </header>
        <div class="drawer-body">{props.children}</div>
        {props.footer && <footer class="drawer-foot">{props.footer}</footer>}
      </div>
    </div>
  );
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

export function Field(props: { label: string; id: string; required?: boolean; error?: string;
                               hint?: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}{props.required && <span class="req" aria-label="required"> *</span>}</label>
      {props.children}
      {props.hint && !props.error && <small class="hint">{props.hint}</small>}
      {props.error && <small class="field-error" role="alert">{props.error}</small>}
    </div>
  );
}

export function Loading() {
  return <div class="loading" aria-busy="true">Loading…</div>;
}
