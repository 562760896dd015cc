// Keyboard and assistive-technology behaviour of the shared components: the drawer's focus
// handling, tabs, the repository combobox, form fields and clickable rows.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Repository } from '../api';
import { RepositorySelect } from './RepositorySelect';
import { Drawer, Field, onRowKey, SeverityCountsBar, Tabs, Toggle } from './ui';

let root: HTMLElement;
beforeEach(() => { root = document.createElement('div'); document.body.appendChild(root); });
afterEach(() => { act(() => { render(null, root); }); root.remove(); });

function mount(node: preact.ComponentChild) { act(() => { render(node, root); }); }
const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector(sel) as T | null;
function key(el: Element, k: string, opts: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...opts });
  act(() => { el.dispatchEvent(e); });
  return e;
}
function click(el: Element) { act(() => { el.dispatchEvent(new MouseEvent('click', { bubbles: true })); }); }

/** A page with an opener button and a drawer holding two fields. */
function DrawerPage({ onClose, removeOpener }: { onClose?: () => void; removeOpener?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      {!(removeOpener && open) && <button id="opener" onClick={() => setOpen(true)}>Open</button>}
      <button id="fallback">Fallback</button>
      {open && (
        <Drawer title="Settings" onClose={() => { setOpen(false); onClose?.(); }}
                returnFocus={() => document.getElementById('fallback')}>
          <input id="first" /><input id="last" />
        </Drawer>
      )}
    </div>
  );
}

describe('Drawer', () => {
  it('moves focus to its first field, names itself by its title, and is modal', () => {
    mount(<DrawerPage />);
    $<HTMLButtonElement>('#opener')!.focus();
    click($('#opener')!);
    expect(document.activeElement?.id).toBe('first');
    const dialog = $('[role=dialog]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Settings');
  });
  it('keeps Tab and Shift+Tab inside: past the last control to the first, before the first to the last', () => {
    mount(<DrawerPage />);
    click($('#opener')!);
    const close = $<HTMLButtonElement>('[aria-label=Close]')!;
    $<HTMLInputElement>('#last')!.focus();
    const forward = key(document.activeElement!, 'Tab');
    expect(forward.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(close);
    const back = key(close, 'Tab', { shiftKey: true });
    expect(back.defaultPrevented).toBe(true);
    expect(document.activeElement?.id).toBe('last');
    // Between two controls the browser moves the focus itself.
    $<HTMLInputElement>('#first')!.focus();
    expect(key(document.activeElement!, 'Tab').defaultPrevented).toBe(false);
  });
  it('closes on Escape and gives the focus back to its opener', () => {
    const onClose = vi.fn();
    mount(<DrawerPage onClose={onClose} />);
    $<HTMLButtonElement>('#opener')!.focus();
    click($('#opener')!);
    key(document.activeElement!, 'Escape');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect($('[role=dialog]')).toBeNull();
    expect(document.activeElement?.id).toBe('opener');
  });
  it('gives the focus to returnFocus() when the opener is gone', () => {
    mount(<DrawerPage removeOpener />);
    $<HTMLButtonElement>('#opener')!.focus();
    click($('#opener')!);
    expect($('#opener')).toBeNull();
    click($('[aria-label=Close]')!);
    expect(document.activeElement?.id).toBe('fallback');
  });
  it('stays open when a control inside handled Escape itself', () => {
    const onClose = vi.fn();
    mount(<DrawerPage onClose={onClose} />);
    click($('#opener')!);
    const first = $('#first')!;
    first.addEventListener('keydown', (e) => e.preventDefault());
    key(first, 'Escape');
    expect(onClose).not.toHaveBeenCalled();
    expect($('[role=dialog]')).not.toBeNull();
  });
});

describe('Tabs', () => {
  const TABS = [{ id: 'a', label: 'Alpha' }, { id: 'b', label: 'Beta' }, { id: 'c', label: 'Gamma' }] as const;
  function TabsPage() {
    const [tab, setTab] = useState<'a' | 'b' | 'c'>('a');
    return <Tabs idPrefix="t" label="Letters" tabs={[...TABS]} selected={tab} onSelect={setTab}>panel {tab}</Tabs>;
  }
  const selected = () => $('[role=tab][aria-selected=true]')!;
  it('is one Tab stop whose arrows, Home and End select and focus the tabs, wrapping around', () => {
    mount(<TabsPage />);
    const tabs = [...root.querySelectorAll<HTMLElement>('[role=tab]')];
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    tabs[0].focus();
    key(tabs[0], 'ArrowRight');
    expect(selected().textContent).toBe('Beta');
    expect(document.activeElement).toBe(selected());
    expect([...root.querySelectorAll<HTMLElement>('[role=tab]')].map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
    key(document.activeElement!, 'End');
    expect(selected().textContent).toBe('Gamma');
    key(document.activeElement!, 'ArrowRight');
    expect(selected().textContent).toBe('Alpha');
    key(document.activeElement!, 'ArrowLeft');
    expect(selected().textContent).toBe('Gamma');
    key(document.activeElement!, 'Home');
    expect(selected().textContent).toBe('Alpha');
  });
  it('labels its panel with the selected tab', () => {
    mount(<TabsPage />);
    click(root.querySelectorAll('[role=tab]')[1]);
    const panel = $('[role=tabpanel]')!;
    expect(panel.textContent).toBe('panel b');
    expect(panel.getAttribute('aria-labelledby')).toBe(selected().id);
    expect(selected().getAttribute('aria-controls')).toBe(panel.id);
  });
});

const repos: Repository[] = [
  { key: 'all-virtual', type: 'virtual', package_type: 'maven', indexed: false },
  { key: 'libs-release-local', type: 'local', package_type: 'maven', indexed: true },
  { key: 'npm-local', type: 'local', package_type: 'npm', indexed: true },
];

describe('RepositorySelect by keyboard', () => {
  async function openList(onChange = vi.fn()) {
    mount(<RepositorySelect id="repo" value="" onChange={onChange} load={async () => ({ repositories: repos })} debounceMs={0} />);
    const input = $<HTMLInputElement>('#repo')!;
    input.focus();
    act(() => { input.dispatchEvent(new FocusEvent('focus')); });
    await vi.waitFor(() => expect(root.querySelectorAll('[role=option]').length).toBe(3));
    return { input, onChange };
  }
  it('moves through the options with the arrows, names the active one, and picks it with Enter', async () => {
    const { input, onChange } = await openList();
    key(input, 'ArrowDown');
    key(input, 'ArrowDown');
    key(input, 'ArrowDown');
    key(input, 'ArrowUp');
    const active = document.getElementById(input.getAttribute('aria-activedescendant')!)!;
    expect(active.textContent).toContain('libs-release-local');
    expect(active.className).toContain('active');
    const enter = key(input, 'Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(onChange).toHaveBeenCalledWith('libs-release-local');
    expect(input.value).toBe('libs-release-local');
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });
  it('does not pick a virtual repository with Enter', async () => {
    const { input, onChange } = await openList();
    key(input, 'ArrowDown');
    key(input, 'Enter');
    expect(onChange).not.toHaveBeenCalled();
  });
  it('closes the list on Escape and claims the key, so a drawer around it stays open', async () => {
    const { input } = await openList();
    const esc = key(input, 'Escape');
    expect(esc.defaultPrevented).toBe(true);
    expect($('[role=listbox]')).toBeNull();
    expect(key(input, 'Escape').defaultPrevented).toBe(false);
    key(input, 'ArrowDown');
    expect($('[role=listbox]')).not.toBeNull();
  });
});

describe('Field', () => {
  it('ties its control to the error, marks it invalid and required, and hides the star from readers', () => {
    mount(<Field label="Branch" id="b" required error="Enter the branch." hint="e.g. main"><input id="b" /></Field>);
    const input = $<HTMLInputElement>('#b')!;
    expect(input.getAttribute('aria-describedby')).toBe('b-error');
    expect(document.getElementById('b-error')!.textContent).toBe('Enter the branch.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-required')).toBe('true');
    expect($('.req')!.getAttribute('aria-hidden')).toBe('true');
  });
  it('points at the hint while there is no error', () => {
    mount(<Field label="Branch" id="b" hint="e.g. main"><input id="b" /></Field>);
    const input = $<HTMLInputElement>('#b')!;
    expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe('e.g. main');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
  });
});

describe('Toggle', () => {
  function TogglePage({ onSubmit }: { onSubmit: () => void }) {
    const [on, setOn] = useState(false);
    return <form onSubmit={(e) => { e.preventDefault(); onSubmit(); }}>
      <Toggle id="sw" label="Is API Enabled" checked={on} onChange={setOn} /></form>;
  }
  it('is a switch that Enter flips without submitting the form around it', () => {
    const onSubmit = vi.fn();
    mount(<TogglePage onSubmit={onSubmit} />);
    const sw = $<HTMLInputElement>('#sw')!;
    expect(sw.getAttribute('role')).toBe('switch');
    expect(sw.getAttribute('aria-checked')).toBe('false');
    expect(key(sw, 'Enter').defaultPrevented).toBe(true);
    expect(sw.checked).toBe(true);
    expect(sw.getAttribute('aria-checked')).toBe('true');
    key(sw, 'Enter');
    expect(sw.checked).toBe(false);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

describe('clickable rows and counts', () => {
  it('acts on Enter and Space pressed on the row itself, not on a control inside it', () => {
    const action = vi.fn();
    mount(<table><tbody><tr tabIndex={0} onKeyDown={onRowKey(action)}><td><button id="inner">x</button></td></tr></tbody></table>);
    key($('tr')!, 'Enter');
    key($('tr')!, ' ');
    key($('tr')!, 'a');
    expect(action).toHaveBeenCalledTimes(2);
    key($('#inner')!, 'Enter');
    expect(action).toHaveBeenCalledTimes(2);
  });
  it('says the severity counts in words, not only in colour', () => {
    mount(<SeverityCountsBar counts={{ critical: 1, high: 3 }} />);
    expect($('.sev-counts')!.getAttribute('aria-label')).toBe('critical 1, high 3, medium 0, low 0, info 0');
  });
});
