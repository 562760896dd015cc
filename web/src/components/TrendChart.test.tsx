import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { TrendChart } from './TrendChart';

const root = document.createElement('div');
afterEach(() => render(null, root));

describe('TrendChart', () => {
  it('tells the user what to do when there are no scans', () => {
    render(<TrendChart points={[]} />, root);
    expect(root.textContent).toContain('No scans yet');
    expect(root.querySelector('svg')).toBeNull();
  });
  it('draws one point per scan, scaled to the largest value', () => {
    const points = [10, 40, 20].map((r, i) => ({ scan_id: `s${i}`, at: `2026-11-0${i + 1}T00:00:00Z`, risk_score: r,
                                                   summary: { high: i + 1, low: 1 } }));
    render(<TrendChart points={points} />, root);
    const d = root.querySelector('path.line-risk')!.getAttribute('d')!;
    const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(3);
    expect(Math.min(...ys)).toBe(ys[1]);  // the highest score is drawn highest
    expect(ys[1]).toBeCloseTo(12);        // the top padding: 40 is the maximum
    expect(root.querySelector('path.line-findings')!.getAttribute('d')!.split(/[ML]/).length - 1).toBe(3);
  });
});
