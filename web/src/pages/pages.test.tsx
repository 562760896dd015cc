import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding, Project, ScanDiff, Scanner, User } from '../api';
import { ApiError } from '../api';
import { hasRole, UserContext } from '../session';
import { ProjectForm, ProjectSettings } from './ProjectSettings';
import { isMissingRoute, ScanDiffView } from './ScanDetail';
import { pingText, scannerBody } from './ScannerForm';

let root: HTMLElement;
beforeEach(() => { root = document.createElement('div'); document.body.appendChild(root); });
afterEach(() => { render(null, root); root.remove(); vi.restoreAllMocks(); });

function mount(node: preact.ComponentChild) { act(() => { render(node, root); }); }
const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector(sel) as T | null;
const $$ = (sel: string) => [...root.querySelectorAll(sel)];
function click(el: Element) { act(() => { el.dispatchEvent(new MouseEvent('click', { bubbles: true })); }); }
function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  act(() => { el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); });
}

function finding(id: number, key: string, severity: Finding['severity'], component: string): Finding {
  return { id, branch: 'main', tool: 'jfrogxraysca', kind: 'vulnerability', severity, state: 'new',
           vulnerability_key: key, component, component_version: '1.0.0', summary: `${key} in ${component}` };
}

const diff: ScanDiff = {
  scan: { id: 7 }, against: { id: 6 },
  counts: { new: 2, fixed: 1, unchanged: 3 },
  new: [finding(1, 'XRAY-1', 'critical', 'lodash'), finding(2, 'XRAY-2', 'low', 'minimist')],
  fixed: [finding(3, 'XRAY-3', 'high', 'express')],
  unchanged: [finding(4, 'XRAY-4', 'medium', 'a'), finding(5, 'XRAY-5', 'medium', 'b'), finding(6, 'XRAY-6', 'info', 'c')],
};

describe('ScanDiffView', () => {
  it('asks for the diff against the previous scan and lists the new findings first', async () => {
    const load = vi.fn(async () => diff);
    mount(<ScanDiffView projectId="3" scanId={7} load={load} />);
    await vi.waitFor(() => expect($('.diff')).not.toBeNull());
    expect(load).toHaveBeenCalledWith(7);
    expect($$('[role=tab]').map((t) => t.textContent)).toEqual(['New 2', 'Fixed 1', 'Unchanged 3']);
    expect($('[role=tab][aria-selected=true]')!.textContent).toBe('New 2');
    expect($$('tbody tr').map((r) => r.querySelector('.mono')!.textContent)).toEqual(['XRAY-1', 'XRAY-2']);
    expect($('.against a')!.getAttribute('href')).toBe('#/projects/3/scans/6');
  });
  it('switches between new, fixed and unchanged and opens a finding', async () => {
    const onOpen = vi.fn();
    mount(<ScanDiffView projectId="3" scanId={7} load={async () => diff} onOpen={onOpen} />);
    await vi.waitFor(() => expect($('.diff')).not.toBeNull());
    click($('[data-list=fixed]')!);
    expect($$('tbody tr').map((r) => r.querySelector('.mono')!.textContent)).toEqual(['XRAY-3']);
    expect($('tbody .chip')!.getAttribute('data-severity')).toBe('high');
    click($('[data-list=unchanged]')!);
    expect($$('tbody tr')).toHaveLength(3);
    click($$('tbody tr')[1]);
    expect(onOpen).toHaveBeenCalledWith(5);
  });
  it('says a first scan has nothing to compare with and shows an empty list plainly', async () => {
    const first: ScanDiff = { scan: { id: 1 }, against: null, counts: { new: 1, fixed: 0, unchanged: 0 },
                              new: [finding(1, 'XRAY-1', 'high', 'lodash')], fixed: [], unchanged: [] };
    mount(<ScanDiffView projectId="3" scanId={1} load={async () => first} />);
    await vi.waitFor(() => expect($('.diff')).not.toBeNull());
    expect($('.against')!.textContent).toBe('This is the first scan of its branch: every finding is new.');
    click($('[data-list=fixed]')!);
    expect($('.empty')!.textContent).toBe('No fixed findings');
  });
  it('notes quietly that a server without the route cannot compare, and shows other errors', async () => {
    mount(<ScanDiffView projectId="3" scanId={7} load={async () => {
      throw new ApiError(404, 'not_found', 'no route for GET /api/v1/scans/7/diff'); }} />);
    await vi.waitFor(() => expect($('.diff-missing')).not.toBeNull());
    expect($('[role=alert]')).toBeNull();
    mount(<ScanDiffView projectId="3" scanId={8} load={async () => {
      throw new ApiError(404, 'not_found', 'scan 8 not found'); }} />);
    await vi.waitFor(() => expect($('[role=alert]')?.textContent).toBe('scan 8 not found'));
  });
  it('says when a list holds only the first findings of a longer one', async () => {
    mount(<ScanDiffView projectId="3" scanId={7} load={async () => ({ ...diff, counts: { new: 250, fixed: 1, unchanged: 3 } })} />);
    await vi.waitFor(() => expect($('.diff')).not.toBeNull());
    expect($('.shown')!.textContent).toBe('Showing the first 2 of 250; the Findings tab lists them all.');
    click($('[data-list=fixed]')!);
    expect($('.shown')).toBeNull();
  });
  it('tells a missing route from a missing scan', () => {
    expect(isMissingRoute(new ApiError(404, 'not_found', 'no route for GET /api/v1/scans/1/diff'))).toBe(true);
    expect(isMissingRoute(new ApiError(404, 'not_found', 'scan 1 not found'))).toBe(false);
    expect(isMissingRoute(new ApiError(500, 'internal', 'no route for x'))).toBe(false);
  });
});

describe('roles', () => {
  const viewer: User = { username: 'val', role: 'viewer' };
  const member: User = { username: 'mo', role: 'member' };
  it('ranks viewer < member < admin', () => {
    expect(hasRole(viewer, 'member')).toBe(false);
    expect(hasRole(member, 'member')).toBe(true);
    expect(hasRole(member, 'admin')).toBe(false);
    expect(hasRole({ username: 'a', role: 'admin' }, 'member')).toBe(true);
    expect(hasRole(null, 'viewer')).toBe(false);
  });

  const project: Project = { id: '3', name: 'payments', description: 'money', default_branch: 'main' };
  const scanners: Scanner[] = [{ id: 9, tool: 'jfrogxraysca', repository_key: 'npm-local', branch: 'main' }];
  async function settingsAs(user: User) {
    const { api } = await import('../api');
    vi.spyOn(api, 'listScanners').mockResolvedValue({ scanners });
    mount(<UserContext.Provider value={user}><ProjectSettings projectId="3" project={project} /></UserContext.Provider>);
    await vi.waitFor(() => expect($('table.scanners')).not.toBeNull());
  }
  it('shows a viewer the settings without a control that changes them', async () => {
    await settingsAs(viewer);
    expect($$('button').map((b) => b.textContent)).toEqual([]);
    expect($<HTMLInputElement>('#pf-name')!.readOnly).toBe(true);
  });
  it('gives a member Add Scanner, Edit, Remove and Save project', async () => {
    await settingsAs(member);
    expect($$('button').map((b) => b.textContent)).toEqual(['Save project', 'Add Scanner', 'Edit', 'Remove']);
    click($$('button').find((b) => b.textContent === 'Edit')!);
    const dialog = $('[role=dialog]')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('JFrog Xray SCA scanner npm-local');
    expect($<HTMLInputElement>('#sc-branch')!.value).toBe('main');
  });
});

describe('ProjectForm', () => {
  const project: Project = { id: '3', name: 'payments', description: '', default_branch: 'main' };
  it('saves name, description and default branch, trimmed', async () => {
    const save = vi.fn(async (_id: string, p: object) => ({ ...project, ...p }));
    const onSaved = vi.fn();
    mount(<ProjectForm project={project} readOnly={false} onSaved={onSaved} save={save} />);
    type($<HTMLInputElement>('#pf-name')!, ' payments-api ');
    type($<HTMLTextAreaElement>('#pf-description')!, 'The payments API');
    type($<HTMLInputElement>('#pf-branch')!, 'develop');
    act(() => { $('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })); });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(save).toHaveBeenCalledWith('3', { name: 'payments-api', description: 'The payments API', default_branch: 'develop' });
    await vi.waitFor(() => expect($('[role=status]')?.textContent).toBe('Project saved.'));
  });
  it('marks an empty name beside the field and sends nothing', () => {
    const save = vi.fn();
    mount(<ProjectForm project={project} readOnly={false} onSaved={() => {}} save={save} />);
    type($<HTMLInputElement>('#pf-name')!, '  ');
    act(() => { $('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })); });
    expect($('.field-error')!.textContent).toBe('A project needs a name.');
    expect(save).not.toHaveBeenCalled();
  });
});

describe('scannerBody', () => {
  const base = { tool: 'jfrogxraysca', environment: '', repository_key: 'npm-local', branch: 'main',
                 meta_data: '', scan_tag: '', schedule: { enabled: true, recurrence: 'daily' as const, interval: 2, days: ['mon'] },
                 webhook: { url: 'https://ci.example.com/h', secret: '' } };
  it('keeps a stored webhook secret unless a new one is typed, and drops days outside weekly', () => {
    const b = scannerBody(base, 'a/**\n\n b/** ', '', true);
    expect(b.webhook).toEqual({ url: 'https://ci.example.com/h' });
    expect(b.include_patterns).toEqual(['a/**', 'b/**']);
    expect(b.schedule).toEqual({ enabled: true, recurrence: 'daily', interval: 2, days: [] });
    expect(b.environment).toBe('');
    expect(scannerBody({ ...base, webhook: { url: 'https://x', secret: 's3' } }, '', '', true).webhook)
      .toEqual({ url: 'https://x', secret: 's3' });
  });
  it('sends no webhook and no environment for a new scanner without them', () => {
    const b = scannerBody({ ...base, webhook: { url: '', secret: '' } }, '', '', false);
    expect(b.webhook).toBeNull();
    expect(b.environment).toBeUndefined();
  });
});

describe('pingText', () => {
  const base = { delivery_id: 'd1', event: 'ping', target: 'https://ci.example.com', signed: true,
                 retryable: false, response_snippet: '', error: '', latency_ms: 12 };
  it('says where a delivered ping went, with the status and whether it was signed', () => {
    expect(pingText({ ...base, delivered: true, outcome: 'delivered', status: 204 }))
      .toBe('Test ping delivered to https://ci.example.com: HTTP 204 in 12 ms (signed).');
  });
  it('gives the receiver answer or the transport error of a failed ping', () => {
    expect(pingText({ ...base, delivered: false, outcome: 'failed', status: 500, response_snippet: 'boom' }))
      .toBe('Test ping to https://ci.example.com failed: HTTP 500: boom');
    expect(pingText({ ...base, delivered: false, outcome: 'failed', status: null, error: 'connection refused' }))
      .toBe('Test ping to https://ci.example.com failed: connection refused');
  });
});
