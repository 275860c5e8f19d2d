/**
 * The readable table `hugecheck run` prints: step, op, result, value, the four counters with
 * changes marked, and the mismatches against `expect`.
 */
import type { Counters, Mismatch, Scenario, Trace } from '../scenario/types';
import { describeStep } from './describe';

export interface Style {
  changed(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

export const plainStyle: Style = { changed: (t) => t, bad: (t) => t, dim: (t) => t };

const COUNTERS: Array<[keyof Counters, string]> = [
  ['total', 'Total'],
  ['free', 'Free'],
  ['rsvd', 'Rsvd'],
  ['surp', 'Surp'],
];

export function formatRunTable(scenario: Scenario, trace: Trace, style: Style = plainStyle): string {
  const header = ['#', 'op', 'result', 'value', ...COUNTERS.map(([, h]) => h)];
  const rows: string[][] = [];
  const marks: boolean[][] = [];
  const badCells = new Set<string>();
  for (const m of trace.mismatches) badCells.add(`${m.step}:${m.field.startsWith('counters.') ? m.field.slice(9) : m.field}`);

  const row = (label: string, op: string, result: string, value: string, c: Counters, prev: Counters | null, step: number | null) => {
    rows.push([label, op, result, value, ...COUNTERS.map(([k]) => `${c[k]}${prev && prev[k] !== c[k] ? '*' : ''}`)]);
    marks.push([false, false, step !== null && badCells.has(`${step}:result`), step !== null && badCells.has(`${step}:value`),
      ...COUNTERS.map(([k]) => step !== null && badCells.has(`${step}:${k}`))]);
  };
  row('', 'initial', '', '', trace.initial, null, null);
  let prev = trace.initial;
  trace.steps.forEach((obs, i) => {
    row(String(i), describeStep(scenario.steps[i]!), obs.result, obs.value === undefined ? '' : String(obs.value), obs.counters, prev, i);
    prev = obs.counters;
  });
  row('', 'final (after teardown)', trace.final.result, '', trace.final.counters, prev, null);

  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = (c: number) => c === 0 || c >= 3;
  const fmt = (cells: string[], rowMarks?: boolean[]) =>
    cells
      .map((cell, c) => {
        const padded = numeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
        if (rowMarks?.[c]) return style.bad(padded);
        if (c >= 4 && cell.endsWith('*')) return style.changed(padded);
        return padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => lines.push(fmt(r, marks[i])));
  lines.push(style.dim('* counter changed by this step'));
  return lines.join('\n');
}

export function formatMismatches(scenario: Scenario, mismatches: Mismatch[]): string {
  return mismatches
    .map((m) => `step ${m.step} (${scenario.steps[m.step]!.op}): ${m.field} expected ${JSON.stringify(m.expected)}, observed ${JSON.stringify(m.observed)}`)
    .join('\n');
}
