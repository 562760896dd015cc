import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FindingQuery, Integration, Repository } from '../api';
import { XraySettingsPanel } from '../pages/Integrations';
import { FindingFilters } from './FindingFilters';
import { RepositorySelect } from './RepositorySelect';
import { SeverityChip, SeverityCountsBar } from './ui';

let root: HTMLElement;
beforeEach(() => { root = document.createElement('div'); document.body.appendChild(root); });
afterEach(() => { render(null, root); root.remove(); });

function mount(node: preact.ComponentChild) { act(() => { render(node, root); }); }
const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector(sel) as T | null;

function type(el: HTMLInputElement, value: string) {
  act(() => { el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); });
}
function choose(el: HTMLSelectElement, value: string) {
  act(() => { el.value = value; el.dispatchEvent(new Event('change', { bubbles: true })); });
}
function click(el: Element) { act(() => { el.dispatchEvent(new MouseEvent('click', { bubbles: true })); }); }

describe('SeverityChip', () => {
  it('colours each severity and falls back to info for unknown ones', () => {
    mount(<div><SeverityChip severity="Critical" /><SeverityChip severity="unknown" /></div>);
    const chips = root.querySelectorAll('.chip');
    expect(chips[0].className).toContain('sev-critical');
    expect(chips[0].textContent).toBe('critical');
    expect(chips[1].className).toContain('sev-info');
  });
  it('shows zero for missing counts', () => {
    mount(<SeverityCountsBar counts={{ high: 3 }} />);
    expect([...root.querySelectorAll('.count')].map((c) => c.textContent)).toEqual(['0', '3', '0', '0', '0']);
  });
});

describe('FindingFilters', () => {
  it('changes one filter and resets the cursor', () => {
    const onChange = vi.fn();
    const value: FindingQuery = { state: 'open', cursor: 'c2', sort: '-severity' };
    mount(<FindingFilters value={value} branches={['main', 'dev']} onChange={onChange} />);
    choose($<HTMLSelectElement>('#filter-severity')!, 'high');
    expect(onChange).toHaveBeenLastCalledWith({ state: 'open', severity: 'high', cursor: undefined, sort: '-severity' });
    expect([...$<HTMLSelectElement>('#filter-branch')!.options].map((o) => o.value)).toEqual(['', 'main', 'dev']);
  });
  it('searches on submit with trimmed text and clears with All', () => {
    const onChange = vi.fn();
    mount(<FindingFilters value={{ severity: 'high' }} branches={[]} onChange={onChange} />);
    type($<HTMLInputElement>('#filter-q')!, '  CVE-2021-44228 ');
    act(() => { $('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })); });
    expect(onChange).toHaveBeenLastCalledWith({ severity: 'high', q: 'CVE-2021-44228', cursor: undefined });
    choose($<HTMLSelectElement>('#filter-severity')!, '');
    expect(onChange.mock.lastCall![0].severity).toBeUndefined();
  });
});

const integration: Integration = {
  tool: 'jfrogxraysca', name: 'JFrog Xray SCA', type: 'sca', methods: ['kdt', 'import', 'ui-import', 'bind'],
  active: true, api_enabled: false, url: '', insecure: false, token_set: false,
};

describe('XraySettingsPanel', () => {
  it('shows the connection fields only while the API is enabled', () => {
    mount(<XraySettingsPanel integration={integration} onSaved={() => {}} />);
    expect($('#access-token')).toBeNull();
    expect($('#xray-url')).toBeNull();
    expect([...root.querySelectorAll('button')].map((b) => b.textContent)).not.toContain('Test Connection');
    click($('#api-enabled')!);
    expect($<HTMLInputElement>('#access-token')!.type).toBe('password');
    expect($('#xray-url')).not.toBeNull();
    expect($('#insecure')).not.toBeNull();
    click($('#api-enabled')!);
    expect($('#xray-url')).toBeNull();
  });
  it('shows "set" for a stored token and never its value', () => {
    mount(<XraySettingsPanel integration={{ ...integration, api_enabled: true, token_set: true, url: 'https://a.jfrog.io' }} onSaved={() => {}} />);
    const token = $<HTMLInputElement>('#access-token')!;
    expect(token.value).toBe('');
    expect(token.placeholder).toBe('set');
  });
  it('marks a bad URL and a missing token beside the fields', () => {
    mount(<XraySettingsPanel integration={{ ...integration, api_enabled: true }} onSaved={() => {}} />);
    type($<HTMLInputElement>('#xray-url')!, 'acme.jfrog.io');
    click([...root.querySelectorAll('button')].find((b) => b.textContent === 'Test Connection')!);
    const errors = [...root.querySelectorAll('.field-error')].map((e) => e.textContent);
    expect(errors).toEqual(['Enter an access token (Xray: Read and Xray: Manage Reports).',
                            'Enter the JFrog Platform URL, starting with http:// or https://']);
  });
});

const repos: Repository[] = [
  { key: 'libs-release-local', type: 'local', package_type: 'maven', indexed: true },
  { key: 'npm-remote', type: 'remote', package_type: 'npm', indexed: false },
  { key: 'all-virtual', type: 'virtual', package_type: 'maven', indexed: false },
];

describe('RepositorySelect', () => {
  it('loads the list live for the typed text and marks what cannot be scanned', async () => {
    const load = vi.fn(async (q: string) => ({ repositories: repos.filter((r) => r.key.includes(q)) }));
    mount(<RepositorySelect id="repo" value="" onChange={() => {}} load={load} debounceMs={0} />);
    const input = $<HTMLInputElement>('#repo')!;
    act(() => { input.dispatchEvent(new FocusEvent('focus')); });
    type(input, 'r');
    await vi.waitFor(() => expect(root.querySelectorAll('[role=option]').length).toBe(3));
    expect(load).toHaveBeenLastCalledWith('r');
    const opts = [...root.querySelectorAll('[role=option]')];
    expect(opts[1].textContent).toContain('not indexed');
    expect(opts[2].getAttribute('aria-disabled')).toBe('true');
    expect(opts[2].textContent).toContain('virtual — not scannable');
    type(input, 'npm');
    await vi.waitFor(() => expect(root.querySelectorAll('[role=option]').length).toBe(1));
    expect(load).toHaveBeenLastCalledWith('npm');
  });
  it('picks a repository but refuses a virtual one', async () => {
    const onChange = vi.fn();
    mount(<RepositorySelect id="repo" value="" onChange={onChange} load={async () => ({ repositories: repos })} debounceMs={0} />);
    act(() => { $('#repo')!.dispatchEvent(new FocusEvent('focus')); });
    await vi.waitFor(() => expect(root.querySelectorAll('[role=option]').length).toBe(3));
    const opts = root.querySelectorAll('[role=option]');
    act(() => { opts[2].dispatchEvent(new MouseEvent('mousedown', { bubbles: true })); });
    expect(onChange).not.toHaveBeenCalled();
    act(() => { opts[0].dispatchEvent(new MouseEvent('mousedown', { bubbles: true })); });
    expect(onChange).toHaveBeenCalledWith('libs-release-local');
    expect($<HTMLInputElement>('#repo')!.value).toBe('libs-release-local');
  });
  it('shows the server error in the list', async () => {
    mount(<RepositorySelect id="repo" value="" onChange={() => {}} debounceMs={0}
                            load={async () => { throw new Error('the integration has no token; set one under Integrations'); }} />);
    act(() => { $('#repo')!.dispatchEvent(new FocusEvent('focus')); });
    await vi.waitFor(() => expect(root.querySelector('.field-error')?.textContent).toContain('no token'));
  });
});
