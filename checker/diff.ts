/** Step-by-step comparison of two traces of the same scenario (model and kernel). */
import type { Counters, Observation, Trace } from '../scenario/types';

export interface Divergence {
  /** A step index, or 'initial' / 'final'. */
  step: number | 'initial' | 'final';
  field: string;
  model: unknown;
  kernel: unknown;
}

function counters(step: Divergence['step'], a: Counters, b: Counters): Divergence | null {
  for (const k of ['total', 'free', 'rsvd', 'surp'] as const) if (a[k] !== b[k]) return { step, field: `counters.${k}`, model: a[k], kernel: b[k] };
  return null;
}

function observation(step: Divergence['step'], a: Observation, b: Observation): Divergence | null {
  if (a.result !== b.result) return { step, field: 'result', model: a.result, kernel: b.result };
  if (a.value !== b.value) return { step, field: 'value', model: a.value ?? null, kernel: b.value ?? null };
  const c = counters(step, a.counters, b.counters);
  if (c) return c;
  for (const m of new Set([...Object.keys(a.mounts), ...Object.keys(b.mounts)])) {
    const x = a.mounts[m];
    const y = b.mounts[m];
    if (!x || !y) return { step, field: `mounts.${m}`, model: x ?? null, kernel: y ?? null };
    if (x.blocks !== y.blocks) return { step, field: `mounts.${m}.blocks`, model: x.blocks, kernel: y.blocks };
    if (x.bfree !== y.bfree) return { step, field: `mounts.${m}.bfree`, model: x.bfree, kernel: y.bfree };
  }
  return null;
}

/** The first divergence between a model trace and a kernel trace, or null when they agree. */
export function firstDivergence(model: Pick<Trace, 'initial' | 'steps' | 'final'>, kernel: Pick<Trace, 'initial' | 'steps' | 'final'>): Divergence | null {
  const d = counters('initial', model.initial, kernel.initial);
  if (d) return d;
  for (let i = 0; i < model.steps.length; i++) {
    const s = observation(i, model.steps[i]!, kernel.steps[i]!);
    if (s) return s;
  }
  return observation('final', model.final, kernel.final);
}
