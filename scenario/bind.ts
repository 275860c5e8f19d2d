/**
 * Names bound once: the static binder and the run-time liveness table.
 *
 * The binder reads each step's name effects from the op registry (ops/, `names`) and resolves every
 * name to a handle, a small number: one per creation of a name (a process, a mapping of a process, a
 * file, a mount, a segment). It records per step the handles it needs, the handles it creates and
 * the handles it ends, assuming every step succeeds, which is how the validator judges a scenario
 * (shared contract, "Names").
 *
 * At run time, the liveness table decides what the contract calls "skipped", with no per-op code:
 * a step is skipped when a handle it needs is not live (its creating step failed or was skipped) or
 * when a name it creates is still held by an earlier handle (an umount that failed keeps its names).
 * A step that runs ends what it ends (some only when it succeeds) and makes what it creates live
 * when it succeeds. The model runner, the kernel runner, the validator and the generator's resolver
 * use this module; kernel/repro-runtime.c has the same table in C (`can_run`, `settle`), fed with
 * the handles this binder computes.
 */
import { OPS } from '../ops';
import type { FieldOf, NameUse, ValidateCtx } from '../ops/define';
import type { Namespace } from './fields';
import type { Op, Result, Step } from './types';

export interface HandleInfo {
  ns: Namespace;
  name: string;
  /** The process handle a mapping name belongs to; -1 otherwise. */
  scope: number;
  /** The handle this one lives under (a file's mount, a mapping's process); -1 for none. */
  parent: number;
  /** Pages a mapping or segment name denotes (0 otherwise). */
  size: number;
  /** The step that created it (-1: there from the start, p0 and "default"). */
  step: number;
}

export interface BoundStep {
  /** Name field -> handle; -1 for an optional name left out, or a name that does not resolve. */
  h: Record<string, number>;
  needs: number[];
  /** Earlier holders of the (non-mapping) names this step creates. */
  conflicts: number[];
  creates: number[];
  /** Per created handle, the handle whose run-time state it copies (fork's mappings); -1 for none. */
  from: number[];
  /** Ended when the step runs, and only when it succeeds. */
  endsRun: number[];
  endsOk: number[];
}

/** The handles every scenario starts with. */
export const P0 = 0;
export const DEFAULT_MOUNT = 1;
/** A name that does not resolve (an unvalidated step): never live, so the step is skipped. */
const UNRESOLVED = -2;

const NS_WORD: Record<Namespace, string> = { proc: 'process', map: 'mapping', file: 'file', mount: 'mount', seg: 'segment' };

/** A step's handles by name field: one object shape for every step (-1: no such name). */
class Handles {
  proc = -1;
  map = -1;
  child = -1;
  file = -1;
  mount = -1;
  seg = -1;
  to = -1;
}

const HANDLE_FIELDS = new Handles();

/** The empty list every BoundStep list starts as; frozen, so a push into it fails loudly. */
const NONE: number[] = Object.freeze([]) as unknown as number[];
/** `xs` with `x` appended: a new list the first time, in place after. */
const grow = (xs: number[], x: number): number[] => {
  if (xs === NONE) return [x];
  xs.push(x);
  return xs;
};

/** An op's name uses split by phase, once per op (bind reads them for every step). */
interface Plan {
  uses: readonly NameUse<Op>[];
  ends: readonly Extract<NameUse<Op>, { role: 'end' }>[];
  creates: readonly Extract<NameUse<Op>, { role: 'create' }>[];
}
const PLANS = new Map<Op, Plan>();
function planOf(op: Op): Plan {
  let p = PLANS.get(op);
  if (!p) {
    const uses = OPS[op].names as readonly NameUse<Op>[];
    for (const u of uses) if (!(u.field in HANDLE_FIELDS)) throw new Error(`bind: op ${op} names a field "${u.field}" that Handles (scenario/bind.ts) lacks`);
    p = { uses, ends: uses.filter((u): u is Extract<NameUse<Op>, { role: 'end' }> => u.role === 'end'), creates: uses.filter((u): u is Extract<NameUse<Op>, { role: 'create' }> => u.role === 'create') };
    PLANS.set(op, p);
  }
  return p;
}

export class Binder {
  readonly handles: HandleInfo[] = [
    { ns: 'proc', name: 'p0', scope: -1, parent: -1, size: 0, step: -1 },
    { ns: 'mount', name: 'default', scope: -1, parent: -1, size: 0, step: -1 },
  ];
  /** The handles of each namespace, in order (what a run's liveness scans). */
  readonly byNs: Record<Namespace, number[]> = { proc: [P0], map: [], file: [], seg: [], mount: [DEFAULT_MOUNT] };
  /** Per namespace, statically live names -> handle, in order of creation. */
  private live: Record<Exclude<Namespace, 'map'>, Map<string, number>> = {
    proc: new Map([['p0', P0]]),
    mount: new Map([['default', DEFAULT_MOUNT]]),
    file: new Map(),
    seg: new Map(),
  };
  /** Every handle a non-mapping name has had. */
  private history = new Map<string, number[]>([['proc:p0', [P0]], ['mount:default', [DEFAULT_MOUNT]]]);
  /** Name -> the step that ended its last holder. */
  private endedAt = new Map<string, number>();
  /** Live handles living under a handle. */
  private children = new Map<number, Set<number>>();
  /** Per live process handle: mapping name -> handle, in order of first binding. */
  private maps = new Map<number, Map<string, number>>([[P0, new Map()]]);

  /** Binds a step. With `check`, a name problem throws `check.err(field, reason)` and the op's
   *  validation hook runs (it may fill in context defaults); without, unresolvable names bind to a
   *  handle that is never live, so the step is skipped. */
  bind(step: Step, index: number, check?: Pick<ValidateCtx, 'err'>): BoundStep {
    const def = OPS[step.op];
    const plan = planOf(step.op);
    const s = step as unknown as Record<string, unknown>;
    const h = new Handles() as unknown as Record<string, number>;
    // Lists stay the shared empty one until something goes in (most steps end and create nothing).
    const b: BoundStep = { h, needs: NONE, conflicts: NONE, creates: NONE, from: NONE, endsRun: NONE, endsOk: NONE };
    // Phase 1: resolve what the step needs, check what it creates (in the op's order).
    for (const u of plan.uses) {
      const name = s[u.field];
      if (name === undefined) {
        h[u.field] = -1;
        continue;
      }
      const n = name as string;
      if (u.role === 'create') {
        if (u.ns !== 'map' && this.live[u.ns].has(n) && check) throw check.err(u.field, `${NS_WORD[u.ns]} "${n}" already exists`);
        continue;
      }
      const handle = u.ns === 'map' ? this.mapHandle(h.proc!, n, s.proc as string, check) : this.nameHandle(u.ns, n, u.field, check);
      h[u.field] = handle;
      b.needs = grow(b.needs, handle);
    }
    if (check && def.validate) {
      def.validate(s, h as never, { size: (x) => this.handles[x]?.size ?? 0, err: check.err, index });
    }
    // Phase 2: ends, then creations.
    for (const u of plan.ends) {
      const handle = h[u.field]!;
      if (handle < 0) continue;
      const ended: number[] = [];
      this.end(handle, index, ended);
      if (u.when === 'ok') b.endsOk = b.endsOk.length ? b.endsOk.concat(ended) : ended;
      else b.endsRun = b.endsRun.length ? b.endsRun.concat(ended) : ended;
    }
    for (const u of plan.creates) {
      if (s[u.field] === undefined) continue;
      const n = s[u.field] as string;
      const size = u.size ? u.size(step as never, (f) => this.handles[h[f as string] ?? -1]?.size ?? 0) : 0;
      if (u.ns === 'map') {
        const proc = h.proc!;
        const table = this.maps.get(proc);
        const handle = this.add({ ns: 'map', name: n, scope: proc, parent: proc, size, step: index });
        if (table) {
          const old = table.get(n);
          if (old !== undefined) {
            b.endsRun = grow(b.endsRun, old);
            this.children.get(proc)?.delete(old);
          }
          table.set(n, handle);
          this.adopt(proc, handle);
        }
        h[u.field] = handle;
        b.creates = grow(b.creates, handle);
        b.from = grow(b.from, -1);
        continue;
      }
      const key = `${u.ns}:${n}`;
      const parent = u.under !== undefined ? (h[u.under as string] ?? -1) : -1;
      const handle = this.add({ ns: u.ns, name: n, scope: -1, parent, size, step: index });
      const hist = this.history.get(key);
      if (hist) {
        b.conflicts = b.conflicts.concat(hist);
        hist.push(handle);
      } else this.history.set(key, [handle]);
      // A name that is statically live (only an unvalidated step creates one) keeps its holder.
      if (!this.live[u.ns].has(n)) this.live[u.ns].set(n, handle);
      if (parent >= 0) this.adopt(parent, handle);
      h[u.field] = handle;
      b.creates = grow(b.creates, handle);
      b.from = grow(b.from, -1);
      if (u.ns === 'proc') {
        const table = new Map<string, number>();
        this.maps.set(handle, table);
        const from = u.inherit !== undefined ? this.maps.get(h[u.inherit as string] ?? -1) : undefined;
        for (const [mapName, ph] of from ?? []) {
          const ch = this.add({ ns: 'map', name: mapName, scope: handle, parent: handle, size: this.handles[ph]!.size, step: index });
          table.set(mapName, ch);
          this.adopt(handle, ch);
          b.creates.push(ch);
          b.from.push(ph);
        }
      }
    }
    return b;
  }

  private add(info: HandleInfo): number {
    this.handles.push(info);
    this.byNs[info.ns].push(this.handles.length - 1);
    return this.handles.length - 1;
  }

  private adopt(parent: number, child: number): void {
    const set = this.children.get(parent);
    if (set) set.add(child);
    else this.children.set(parent, new Set([child]));
  }

  private nameHandle(ns: Namespace, n: string, field: string, check?: Pick<ValidateCtx, 'err'>): number {
    const handle = this.live[ns as Exclude<Namespace, 'map'>].get(n);
    if (handle !== undefined) return handle;
    if (!check) return UNRESOLVED;
    const end = this.endedAt.get(`${ns}:${n}`);
    const what = `${NS_WORD[ns]} "${n}"`;
    throw check.err(field, end !== undefined ? `${what} no longer exists (step ${end} ended it)` : `${what} does not exist (no earlier step creates it)`);
  }

  private mapHandle(proc: number, n: string, procName: string, check?: Pick<ValidateCtx, 'err'>): number {
    const handle = this.maps.get(proc)?.get(n);
    if (handle !== undefined) return handle;
    if (!check) return UNRESOLVED;
    throw check.err('map', `mapping "${n}" does not exist in process "${procName}" (no earlier mmap, mremap "to" or shmat creates it there)`);
  }

  /** Ends a handle and, first, what lives under it. */
  private end(handle: number, index: number, into: number[]): void {
    const info = this.handles[handle]!;
    const kids = this.children.get(handle);
    if (kids) {
      for (const c of kids) if (this.handles[c]!.ns !== 'map') this.end(c, index, into);
      this.children.delete(handle);
    }
    into.push(handle);
    if (info.ns === 'map') {
      const table = this.maps.get(info.scope);
      if (table?.get(info.name) === handle) table.delete(info.name);
      return;
    }
    if (info.ns === 'proc') this.maps.delete(handle);
    const live = this.live[info.ns];
    if (live.get(info.name) === handle) {
      live.delete(info.name);
      this.endedAt.set(`${info.ns}:${info.name}`, index);
    }
    if (info.parent >= 0) this.children.get(info.parent)?.delete(handle);
  }

  /** Statically live names of a namespace, in order of creation (the generator's resolver). */
  liveNames(ns: Exclude<Namespace, 'map'>): string[] {
    return [...this.live[ns].keys()];
  }

  /** The mapping table of a statically live process (name -> handle, in order of first binding),
   *  read in place by the generator's resolver. */
  mapsIn(proc: string): ReadonlyMap<string, number> | undefined {
    const ph = this.live.proc.get(proc);
    return ph !== undefined ? this.maps.get(ph) : undefined;
  }

  /** Pages a handle denotes (a mapping's or a segment's; 0 otherwise). */
  sizeOf(handle: number): number {
    return this.handles[handle]?.size ?? 0;
  }

  isLive(ns: Exclude<Namespace, 'map'>, name: string): boolean {
    return this.live[ns].has(name);
  }

  /** Per process handle, its mapping names and their current handles (reports, exploration). */
  mapTable(proc: number): ReadonlyMap<string, number> | undefined {
    return this.maps.get(proc);
  }
}

export const NEVER = 0;
export const LIVE = 1;
export const FAILED = 2;
export const ENDED = 3;

/** The run-time state of every handle: never made, live, failed (its creating step failed), ended. */
export class Liveness {
  state = new Uint8Array(64);

  constructor() {
    this.state[P0] = LIVE;
    this.state[DEFAULT_MOUNT] = LIVE;
  }

  isLive(handle: number): boolean {
    return handle >= 0 && this.state[handle] === LIVE;
  }

  /** Whether a bound step runs (or is skipped). */
  canRun(b: BoundStep): boolean {
    for (const x of b.needs) if (x < 0 || this.state[x] !== LIVE) return false;
    for (const x of b.conflicts) if (this.state[x] === LIVE) return false;
    return true;
  }

  /** After a step ran with `result`. */
  settle(b: BoundStep, result: Result): void {
    const ok = result === 'ok';
    for (const x of b.endsRun) this.state[x] = ENDED;
    if (ok) for (const x of b.endsOk) this.state[x] = ENDED;
    const top = b.creates.length ? b.creates[b.creates.length - 1]! : -1;
    if (top >= this.state.length) {
      const grown = new Uint8Array(Math.max(top + 1, this.state.length * 2));
      grown.set(this.state);
      this.state = grown;
    }
    for (let i = 0; i < b.creates.length; i++) {
      const f = b.from[i]!;
      // A copy (fork's mappings) has the state of its original: live, failed or never made.
      this.state[b.creates[i]!] = !ok ? FAILED : f < 0 ? LIVE : this.state[f] === ENDED ? FAILED : this.state[f]!;
    }
  }
}

/** Scenarios whose steps were bound once already (the validator and the generator's resolver bind
 *  each step as they read or make it): a whole run reuses those bindings instead of binding again
 *  (execute and judgeOnModel). A non-enumerable property of the scenario object, so a copy (spread,
 *  JSON) is bound afresh, and it holds only while the scenario's steps are the very steps bound (a
 *  step replaced, added or removed in place is bound afresh too). Not a WeakMap, whose entries cost
 *  the garbage collector more than the binding they save. */
const PREBOUND = Symbol('bound');
export type Prebound = { binder: Binder; bound: readonly BoundStep[]; steps: readonly Step[] };

export function rememberBinding(scenario: { steps: readonly Step[] }, binder: Binder, bound: readonly BoundStep[]): void {
  Object.defineProperty(scenario, PREBOUND, { value: { binder, bound, steps: [...scenario.steps] } satisfies Prebound, enumerable: false, configurable: true });
}

export function boundBefore(scenario: { steps: readonly Step[] }): Prebound | undefined {
  const p = (scenario as { [PREBOUND]?: Prebound })[PREBOUND];
  if (!p || p.steps.length !== scenario.steps.length) return undefined;
  for (let i = 0; i < p.steps.length; i++) if (p.steps[i] !== scenario.steps[i]) return undefined;
  return p;
}

/** Live handles of a namespace, in order of creation (the runners' teardown and observations). */
export function liveHandles(binder: Binder, live: Liveness, ns: Exclude<Namespace, 'map'>): number[] {
  const out: number[] = [];
  for (const h of binder.byNs[ns]) if (live.isLive(h)) out.push(h);
  return out;
}

/** After a step settled: a created copy (fork's mappings) denotes its original's object. */
export function copyInherited(b: BoundStep, objs: unknown[]): void {
  for (let i = 0; i < b.from.length; i++) if (b.from[i]! >= 0) objs[b.creates[i]!] = objs[b.from[i]!];
}
