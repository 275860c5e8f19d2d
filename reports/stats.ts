/** The statistics of a check (checker/coverage.ts) as text: what the runs exercised. */
import { barelyReached, type RunStats } from '../checker/coverage';
import { kernelName } from '../model/instrument';

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(n && (100 * n) / of < 1 ? 2 : 0)}%` : '-');

/** Outcomes as "true 812, false 40", most frequent first. */
function outcomes(o: Record<string, number>): string {
  return Object.entries(o)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/** One line per function the policy changes: how many runs reached it, and how it returned. */
export function formatChangeReach(s: RunStats): string {
  const lines = [`the policy's change, over ${s.scenarios} runs (a property holding says little about a function the runs barely reach):`];
  const w = Math.max(...s.changed.map((f) => f.length));
  for (const fn of s.changed) {
    const f = s.functions[fn];
    lines.push(`  ${fn.padEnd(w)}  (${kernelName(fn)})  ran in ${f?.scenarios ?? 0} runs (${pct(f?.scenarios ?? 0, s.scenarios)})${f ? `, ${f.calls} calls: ${outcomes(f.outcomes)}` : ''}${barelyReached(s, fn) ? '  <- barely reached' : ''}`);
  }
  return lines.join('\n');
}

/** The --stats table: steps and results per op, and every watched kernel function. */
export function formatStats(s: RunStats, properties: number): string {
  const lines = [`what the runs exercised (${s.scenarios} runs over ${properties} propert${properties === 1 ? 'y' : 'ies'}, ${s.steps} steps):`];
  const ops = Object.entries(s.ops).sort((a, b) => a[0].localeCompare(b[0]));
  const ow = Math.max(2, ...ops.map(([op]) => op.length));
  lines.push(`  ${'op'.padEnd(ow)}  ${'steps'.padStart(8)}  results`);
  for (const [op, rs] of ops) {
    const n = Object.values(rs).reduce((a, b) => a + b, 0);
    lines.push(`  ${op.padEnd(ow)}  ${String(n).padStart(8)}  ${outcomes(rs)}`);
  }
  const fns = Object.entries(s.functions).sort((a, b) => b[1].scenarios - a[1].scenarios || a[0].localeCompare(b[0]));
  if (fns.length) {
    const fw = Math.max(...fns.map(([f]) => f.length));
    lines.push('', `  ${'kernel function'.padEnd(fw)}  ${'runs'.padStart(6)}  ${'calls'.padStart(8)}  outcomes`);
    for (const [fn, f] of fns) lines.push(`  ${fn.padEnd(fw)}  ${pct(f.scenarios, s.scenarios).padStart(6)}  ${String(f.calls).padStart(8)}  ${outcomes(f.outcomes)}${s.changed.includes(fn) ? '  (changed by the policy)' : ''}`);
  }
  return lines.join('\n');
}
