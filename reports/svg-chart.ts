/**
 * The pool counters over a scenario as an inline SVG line chart: one polyline per counter (Total,
 * Free, Rsvd, Surp), x = the point's index (the caller's points, usually `initial`, each step, then
 * `final`), y = the value, with the y axis reaching below zero when Rsvd does, and the failing points
 * marked by a band. Pure and deterministic: the same points give the same bytes, no script, nothing
 * fetched. Every data point is also a `<circle class="pt" data-series data-step data-index
 * data-value cx cy>`, and `chartScale` is the value-to-coordinate mapping, so a test can check the
 * drawing against the counters.
 */
import type { Counters } from '../scenario/types';
import { escapeHtml } from './escape';

export type CounterSeries = keyof Counters;

export interface ChartPoint extends Counters {
  /** Shown under the x axis and as `data-step`: `initial`, `0`, `1`, ..., `final`. */
  label: string;
  /** Tooltip prefix, e.g. `step 3: p0: write a[0] = 1`; the label when absent. */
  caption?: string;
}

export interface ChartOptions {
  /** Defaults: width grows with the number of points (440 to 1100), height 240. */
  width?: number;
  height?: number;
  /** Indices into `points` to mark as failing. */
  marked?: readonly number[];
  /** The chart's accessible name. */
  title?: string;
}

/** The series, drawn in this order: the widest line and largest dot first, so equal values stay
 *  visible as concentric dots and stacked lines. Colours from the Okabe-Ito palette. */
export const SERIES: ReadonlyArray<{ key: CounterSeries; label: string; colour: string; line: number; radius: number }> = [
  { key: 'total', label: 'Total', colour: '#0072b2', line: 7, radius: 6 },
  { key: 'free', label: 'Free', colour: '#009e73', line: 5, radius: 4.5 },
  { key: 'rsvd', label: 'Rsvd', colour: '#d55e00', line: 3, radius: 3 },
  { key: 'surp', label: 'Surp', colour: '#cc79a7', line: 1.5, radius: 1.5 },
];

export const FAIL_COLOUR = '#c00000';

export interface ChartScale {
  width: number;
  height: number;
  /** The plot area inside the axes, in SVG user units (= CSS pixels at the default size). */
  plot: { left: number; top: number; right: number; bottom: number };
  /** The y axis range (multiples of the tick step; always includes 0 and at least 0..1). */
  yMin: number;
  yMax: number;
  yTicks: number[];
  /** Width of one point's slot: point i is centred in slot i. */
  slot: number;
  /** x = plot.left + (i + 1/2) * slot, rounded to 2 decimals. */
  x(index: number): number;
  /** y = plot.bottom - (value - yMin) / (yMax - yMin) * (plot.bottom - plot.top), rounded to 2 decimals. */
  y(value: number): number;
}

const MARGIN = { left: 44, right: 14, top: 34, bottom: 38 };
const round2 = (v: number) => Math.round(v * 100) / 100;
const num = (v: number) => String(round2(v));

function tickStep(span: number): number {
  for (let mag = 1; ; mag *= 10) for (const m of [1, 2, 5]) if (span / (m * mag) <= 6) return m * mag;
}

/** The mapping from (point index, value) to SVG coordinates that `renderCounterChart` draws with. */
export function chartScale(points: readonly ChartPoint[], opts: ChartOptions = {}): ChartScale {
  const n = Math.max(points.length, 1);
  const width = opts.width ?? Math.min(1100, Math.max(440, MARGIN.left + MARGIN.right + 40 * n));
  const height = opts.height ?? 240;
  const values = points.flatMap((p) => SERIES.map((s) => p[s.key]));
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values);
  const step = tickStep(hi - lo);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.ceil(hi / step) * step;
  const yTicks: number[] = [];
  for (let t = yMin; t <= yMax; t += step) yTicks.push(t);
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const slot = (plot.right - plot.left) / n;
  return {
    width,
    height,
    plot,
    yMin,
    yMax,
    yTicks,
    slot,
    x: (i) => round2(plot.left + (i + 0.5) * slot),
    y: (v) => round2(plot.bottom - ((v - yMin) / (yMax - yMin)) * (plot.bottom - plot.top)),
  };
}

/** The chart as one `<svg>` element. */
export function renderCounterChart(points: readonly ChartPoint[], opts: ChartOptions = {}): string {
  const sc = chartScale(points, opts);
  const { plot } = sc;
  const marked = [...new Set(opts.marked ?? [])].filter((i) => i >= 0 && i < points.length).sort((a, b) => a - b);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="counter-chart" width="${sc.width}" height="${sc.height}" viewBox="0 0 ${sc.width} ${sc.height}" role="img" font-family="sans-serif" font-size="10">`,
  );
  out.push(`<title>${escapeHtml(opts.title ?? 'HugePages counters per step')}</title>`);
  out.push(`<rect class="bg" x="0" y="0" width="${sc.width}" height="${sc.height}" fill="#ffffff"/>`);

  // Failing points: a band over the point's slot and a dashed line through it.
  for (const i of marked) {
    const x = sc.x(i);
    out.push(
      `<rect class="fail" data-step="${escapeHtml(points[i]!.label)}" data-index="${i}" x="${num(x - sc.slot / 2)}" y="${plot.top}" width="${num(sc.slot)}" height="${plot.bottom - plot.top}" fill="${FAIL_COLOUR}" fill-opacity="0.12"/>`,
      `<line class="fail-line" x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="${FAIL_COLOUR}" stroke-width="1" stroke-dasharray="4 3"/>`,
    );
  }

  // y axis: grid lines and tick labels; zero drawn darker.
  out.push(`<g class="y-axis">`);
  for (const t of sc.yTicks) {
    const y = sc.y(t);
    out.push(
      `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="${t === 0 ? '#555555' : '#dddddd'}" stroke-width="1"/>`,
      `<text x="${plot.left - 6}" y="${num(y + 3.5)}" text-anchor="end" fill="#333333">${t}</text>`,
    );
  }
  out.push(`<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="#555555" stroke-width="1"/>`);
  out.push(`<text x="${plot.left - 6}" y="${plot.top - 8}" text-anchor="end" fill="#333333">pages</text>`);
  out.push(`</g>`);

  // x axis: a label every few points so they do not overlap.
  const every = Math.max(1, Math.ceil(28 / sc.slot));
  out.push(`<g class="x-axis">`);
  out.push(`<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#555555" stroke-width="1"/>`);
  points.forEach((p, i) => {
    if (i % every !== 0) return;
    const x = sc.x(i);
    out.push(
      `<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 4}" stroke="#555555" stroke-width="1"/>`,
      `<text x="${x}" y="${plot.bottom + 15}" text-anchor="middle" fill="${marked.includes(i) ? FAIL_COLOUR : '#333333'}">${escapeHtml(p.label)}</text>`,
    );
  });
  out.push(`<text x="${plot.right}" y="${plot.bottom + 30}" text-anchor="end" fill="#333333">step</text>`);
  out.push(`</g>`);

  // The series: polyline, then one circle per point.
  for (const s of SERIES) {
    out.push(`<g class="series" data-series="${s.key}">`);
    if (points.length > 1) {
      const coords = points.map((p, i) => `${sc.x(i)},${sc.y(p[s.key])}`).join(' ');
      out.push(`<polyline points="${coords}" fill="none" stroke="${s.colour}" stroke-width="${s.line}" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
    points.forEach((p, i) => {
      const v = p[s.key];
      out.push(
        `<circle class="pt" data-series="${s.key}" data-step="${escapeHtml(p.label)}" data-index="${i}" data-value="${v}" cx="${sc.x(i)}" cy="${sc.y(v)}" r="${s.radius}" fill="${s.colour}"><title>${escapeHtml(p.caption ?? p.label)}: ${s.label} ${v}</title></circle>`,
      );
    });
    out.push(`</g>`);
  }

  // Legend, above the plot.
  out.push(`<g class="legend">`);
  let lx = plot.left;
  const ly = 14;
  for (const s of SERIES) {
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${s.colour}" stroke-width="3"/>`,
      `<circle cx="${lx + 9}" cy="${ly}" r="3.5" fill="${s.colour}"/>`,
      `<text x="${lx + 23}" y="${ly + 3.5}" fill="#333333">${s.label}</text>`,
    );
    lx += 64;
  }
  if (marked.length) {
    out.push(
      `<rect x="${lx}" y="${ly - 6}" width="12" height="12" fill="${FAIL_COLOUR}" fill-opacity="0.12" stroke="${FAIL_COLOUR}" stroke-dasharray="4 3"/>`,
      `<text x="${lx + 17}" y="${ly + 3.5}" fill="${FAIL_COLOUR}">invariant broken</text>`,
    );
  }
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n');
}
