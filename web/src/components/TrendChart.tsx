// A dependency-free SVG line chart of the risk score and open findings over a project's scans.
import type { TrendPoint } from '../api';
import { SEVERITIES } from '../api';

const W = 640, H = 200, PAD = { l: 40, r: 12, t: 12, b: 28 };

function total(p: TrendPoint): number {
  return SEVERITIES.reduce((n, s) => n + (p.summary?.[s] ?? 0), 0);
}

function pathFor(values: number[], max: number): string {
  const n = values.length;
  const x = (i: number) => PAD.l + (n === 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (n - 1));
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  return values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
}

export function TrendChart({ points }: { points: TrendPoint[] }) {
  if (!points.length) return <p class="muted">No scans yet: the trend appears after the first finished scan.</p>;
  const risk = points.map((p) => p.risk_score ?? 0);
  const counts = points.map(total);
  const max = Math.max(1, ...risk, ...counts);
  const ticks = [0, Math.round(max / 2), max];
  return (
    <figure class="trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Risk score and findings per scan">
        {ticks.map((t) => {
          const y = PAD.t + (H - PAD.t - PAD.b) * (1 - t / max);
          return (
            <g key={t}>
              <line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} class="grid" />
              <text x={PAD.l - 6} y={y + 4} text-anchor="end" class="axis">{t}</text>
            </g>
          );
        })}
        <path d={pathFor(counts, max)} class="line-findings" />
        <path d={pathFor(risk, max)} class="line-risk" />
        <text x={PAD.l} y={H - 8} class="axis">{new Date(points[0].at).toLocaleDateString()}</text>
        <text x={W - PAD.r} y={H - 8} text-anchor="end" class="axis">
          {new Date(points[points.length - 1].at).toLocaleDateString()}
        </text>
      </svg>
      <figcaption>
        <span class="legend risk">Risk score</span> <span class="legend findings">Open findings</span>
      </figcaption>
    </figure>
  );
}
