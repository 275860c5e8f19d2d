/** The model's and the kernel's observations of a scenario, one row per step, the first divergence marked. */
import type { Divergence } from '../checker/diff';
import type { Counters, Observation, Scenario, Trace } from '../scenario/types';
import { describeStep } from './describe';

const c4 = (c: Counters) => `${c.total} ${c.free} ${c.rsvd} ${c.surp}`;
const obs = (o: Observation) => `${o.result}${o.value !== undefined ? `=${o.value}` : ''} [${c4(o.counters)}]`;

export function sideBySide(s: Scenario, model: Pick<Trace, 'initial' | 'steps' | 'final'>, kernel: Pick<Trace, 'initial' | 'steps' | 'final'>, d: Divergence | null, mark: (t: string) => string = (t) => t): string {
  const rows: string[][] = [['#', 'op', 'model', 'kernel']];
  rows.push(['', 'initial', `[${c4(model.initial)}]`, `[${c4(kernel.initial)}]`]);
  s.steps.forEach((st, i) => rows.push([String(i), describeStep(st), obs(model.steps[i]!), obs(kernel.steps[i]!)]));
  rows.push(['', 'final', obs(model.final), obs(kernel.final)]);
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, k) => {
      const line = r.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd();
      const step = k === 1 ? 'initial' : k === rows.length - 1 ? 'final' : k - 2;
      return d && d.step === step ? mark(`${line}  <-- ${d.field}`) : line;
    })
    .join('\n');
}
