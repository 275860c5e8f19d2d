/**
 * The reduction pass after fast-check's own shrinking: on the concrete scenario, try smaller
 * candidates and keep any that still fails, until none does (a fixpoint). Candidates that the
 * validator rejects are skipped. Passes, in order of how much they remove:
 * drop a process (its fork and every step of it and its descendants), a mapping, a file, a
 * segment or a mount with all the steps that name it; drop single steps; lower the pool setup;
 * lower numbers (pages, offsets, page indices, sizes); plainer options (no NORESERVE, no
 * POPULATE, prot rw); renumber names to the smallest.
 * Deterministic: the same input and predicate give the same result.
 */
import { OPS } from '../ops';
import type { Scenario, Step } from '../scenario/types';
import { validateScenario } from '../scenario/validate';

export type StillFails = (s: Scenario) => boolean;

export interface ReduceOptions {
  /** Upper bound on predicate evaluations (a safety net; the fixpoint is normally reached first). */
  maxEvaluations?: number;
}

/**
 * The reduction loop, written once: it yields each candidate and receives whether it still fails,
 * and returns the smallest failing scenario at the fixpoint (or when the budget runs out).
 */
function* reduction(start: Scenario, budget: number): Generator<Scenario, Scenario, boolean> {
  let evaluations = 0;
  let best = strip(start);
  for (let changed = true; changed && evaluations < budget; ) {
    changed = false;
    for (const pass of PASSES) {
      for (const candidate of candidates(pass, best)) {
        if (evaluations >= budget) break;
        evaluations++;
        if (yield candidate) {
          best = candidate;
          changed = true;
          break; // go on with the next pass on the new best
        }
      }
    }
  }
  return best;
}

export function reduce(start: Scenario, stillFails: StillFails, opts: ReduceOptions = {}): Scenario {
  const loop = reduction(start, opts.maxEvaluations ?? 20_000);
  for (let r = loop.next(false); ; r = loop.next(stillFails(r.value))) if (r.done) return r.value;
}

/** The same reduction with an asynchronous predicate (each evaluation runs on the real kernel). */
export async function reduceAsync(start: Scenario, stillFails: (s: Scenario) => Promise<boolean>, opts: ReduceOptions = {}): Promise<Scenario> {
  const loop = reduction(start, opts.maxEvaluations ?? 500);
  for (let r = loop.next(false); ; r = loop.next(await stillFails(r.value))) if (r.done) return r.value;
}

/** A pass's candidates that the validator accepts. */
function* candidates(pass: Pass, s: Scenario): Iterable<Scenario> {
  for (const c of pass(s)) {
    try {
      yield validateScenario(JSON.parse(JSON.stringify(c)));
    } catch {
      /* not valid input: skip */
    }
  }
}

/** Steps without expectations or notes: a counterexample is re-derived from a run. */
function strip(s: Scenario): Scenario {
  return { ...s, steps: s.steps.map(({ expect: _e, note: _n, ...rest }) => rest as Step) };
}

type Pass = (s: Scenario) => Iterable<Scenario>;

const withSteps = (s: Scenario, steps: Step[]): Scenario => ({ ...s, steps });

/** The name a step always creates (not an optional one such as mremap's `to`), from its op's
 *  `names` (ops/): a fork's child with its parent, an mmap's mapping, a file with its mount, a
 *  segment, a mount. */
function created(st: Step): { ns: string; name: string; parent?: string; under?: string } | undefined {
  const r = st as unknown as Record<string, unknown>;
  for (const u of OPS[st.op].names) {
    if (u.role !== 'create' || u.optional || typeof r[u.field] !== 'string') continue;
    const parent = u.inherit !== undefined ? (r[u.inherit] as string) : undefined;
    const under = u.under !== undefined ? (r[u.under] as string) : undefined;
    return { ns: u.ns, name: r[u.field] as string, ...(parent !== undefined ? { parent } : {}), ...(under !== undefined ? { under } : {}) };
  }
  return undefined;
}

/** Processes in order of creation, with their descendants. */
function descendants(s: Scenario, proc: string): Set<string> {
  const out = new Set([proc]);
  for (const st of s.steps) {
    const c = created(st);
    if (c?.ns === 'proc' && c.parent !== undefined && out.has(c.parent)) out.add(c.name);
  }
  return out;
}

function* dropProcesses(s: Scenario): Iterable<Scenario> {
  for (const st of s.steps) {
    const c = created(st);
    if (c?.ns !== 'proc') continue;
    const gone = descendants(s, c.name);
    yield withSteps(s, s.steps.filter((x) => {
      const cx = created(x);
      return !(cx?.ns === 'proc' && gone.has(cx.name)) && !('proc' in x && gone.has(x.proc));
    }));
  }
}

function* dropNamed(s: Scenario): Iterable<Scenario> {
  const seen = new Set<string>();
  for (const st of s.steps) {
    const c = created(st);
    const key: [string, string] | undefined = c && c.ns !== 'proc' ? [c.ns, c.name] : undefined;
    if (!key || seen.has(key.join(':'))) continue;
    seen.add(key.join(':'));
    const [kind, name] = key;
    const files = kind === 'mount' ? new Set(s.steps.flatMap((x) => {
      const cx = created(x);
      return cx?.ns === 'file' && cx.under === name ? [cx.name] : [];
    })) : new Set<string>();
    yield withSteps(
      s,
      s.steps.filter((x) => {
        const r = x as unknown as Record<string, unknown>;
        if (kind === 'map') return r.map !== name && r.to !== name;
        if (kind === 'file') return r.file !== name;
        if (kind === 'seg') return r.seg !== name;
        return r.mount !== name && !files.has(r.file as string);
      }),
    );
  }
}

function* dropSteps(s: Scenario): Iterable<Scenario> {
  for (let i = s.steps.length - 1; i >= 0; i--) yield withSteps(s, s.steps.filter((_, j) => j !== i));
  for (let i = s.steps.length - 2; i >= 0; i--) yield withSteps(s, s.steps.filter((_, j) => j !== i && j !== i + 1));
}

function* lowerSetup(s: Scenario): Iterable<Scenario> {
  const { nr_hugepages: n, nr_overcommit_hugepages: o } = s.setup;
  if (o > 0) yield { ...s, setup: { ...s.setup, nr_overcommit_hugepages: 0 } };
  if (o > 1) yield { ...s, setup: { ...s.setup, nr_overcommit_hugepages: o - 1 } };
  if (n > 0) yield { ...s, setup: { ...s.setup, nr_hugepages: 0 } };
  if (n > 1) yield { ...s, setup: { ...s.setup, nr_hugepages: n - 1 } };
}

const NUMERIC = ['pages', 'offset', 'page', 'oldPages', 'newPages', 'size', 'minSize', 'value'] as const;
const FLOOR: Record<string, number> = { value: 1 };

function* lowerNumbers(s: Scenario): Iterable<Scenario> {
  for (let i = 0; i < s.steps.length; i++) {
    const st = s.steps[i] as unknown as Record<string, unknown>;
    for (const f of NUMERIC) {
      const v = st[f];
      if (typeof v !== 'number') continue;
      const floor = FLOOR[f] ?? 0;
      for (const nv of new Set([floor, v - 1])) {
        if (nv >= floor && nv < v) yield withSteps(s, s.steps.map((x, j) => (j === i ? ({ ...x, [f]: nv } as Step) : x)));
      }
    }
  }
}

function* plainerOptions(s: Scenario): Iterable<Scenario> {
  for (let i = 0; i < s.steps.length; i++) {
    const st = s.steps[i]!;
    // Each op's plainer variants are in its module (ops/, `plainer`).
    const plainer = OPS[st.op].plainer as ((x: Step) => Iterable<Step>) | undefined;
    for (const v of plainer?.(st) ?? []) yield withSteps(s, s.steps.map((x, j) => (j === i ? v : x)));
  }
}

/** Renames processes p0, p1, ..., mappings a, b, ... (per scenario), files f0..., segments s0...,
 *  mounts m0..., in order of first appearance. */
export function renumber(s: Scenario): Scenario {
  const maps = new Map<string, string>();
  const procs = new Map<string, string>([['p0', 'p0']]);
  const files = new Map<string, string>();
  const segs = new Map<string, string>();
  const mounts = new Map<string, string>([['default', 'default']]);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const name = (m: Map<string, string>, old: string, fresh: (n: number) => string) => {
    let v = m.get(old);
    if (v === undefined) m.set(old, (v = fresh(m.size)));
    return v;
  };
  const fields: Array<[string, (old: string) => string]> = [
    ['proc', (o) => name(procs, o, (n) => `p${n}`)],
    ['child', (o) => name(procs, o, (n) => `p${n}`)],
    ['map', (o) => name(maps, o, (n) => letters[n] ?? `m${n}`)],
    ['to', (o) => name(maps, o, (n) => letters[n] ?? `m${n}`)],
    ['file', (o) => name(files, o, (n) => `f${n}`)],
    ['seg', (o) => name(segs, o, (n) => `s${n}`)],
    ['mount', (o) => name(mounts, o, (n) => `m${n - 1}`)],
  ];
  const steps = s.steps.map((st) => {
    const out: Record<string, unknown> = { ...st };
    for (const [f, rename] of fields) if (typeof out[f] === 'string') out[f] = rename(out[f] as string);
    return out as unknown as Step;
  });
  return { ...s, steps };
}

function* renumberPass(s: Scenario): Iterable<Scenario> {
  const r = renumber(s);
  if (JSON.stringify(r) !== JSON.stringify(s)) yield r;
}

const PASSES: Pass[] = [dropProcesses, dropNamed, dropSteps, lowerSetup, lowerNumbers, plainerOptions, renumberPass];
