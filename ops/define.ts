/**
 * What an op is: the type every module of ops/ fills in, once per scenario op.
 *
 * An `OpDefinition<O>` holds everything about one op of the scenario format (scenario/types.ts):
 * its fields (the validator's table), its name effects (declarative: the binder, scenario/bind.ts,
 * reads them), how it reads in a report and in C, its model binding (calls of model/'s named kernel
 * functions), its kernel-driver encoding, its promise function for the trace judge, the failures the
 * kernel documents as partial, and how the shrinker makes it plainer. The generator's commands and
 * the explorer's successors are defined next to the ops they produce (`CommandDef`, `ExploreDef`).
 * ops/index.ts puts the definitions in one registry typed over every op, so leaving one out, or a
 * part of one, is a compile error.
 */
import type fc from 'fast-check';
import type { Kernel } from '../model/kernel';
import type { ModelState } from '../model/state';
import type { Namespace, OpSpec } from '../scenario/fields';
import type { Observation, Op, Result, Step, StepOf } from '../scenario/types';
import type { StepFacts, Tracker } from '../properties/promises';
import type { Reply } from '../kernel/driver-process';

export type { Namespace } from '../scenario/fields';

/** The handles of a bound step, by field: the binder (scenario/bind.ts) sets each name field of the
 *  step to its handle, -1 for an optional name the step leaves out. Other fields are not set. */
export type Handles<O extends Op> = { readonly [F in Exclude<keyof StepOf<O>, 'op' | 'expect' | 'note'>]-?: number };

/**
 * One name a step uses, in the order the validator checks them (the first problem is reported).
 * - `need`: the name must be live; a mapping name is looked up in the process of the step's `proc`.
 * - `end`: needed, then ended when the step runs (`when: 'run'`) or only when it succeeds (`'ok'`);
 *   ending a name ends what lives under it (a mount's files, a process's mappings).
 * - `create`: a new name. A mapping name is created in the step's process and replaces an earlier
 *   mapping of that name there; any other name must not be live (statically an error; at run time,
 *   when an earlier holder of the name is still live because the step that should have ended it
 *   failed, the step is skipped). `under`: the field whose name this one lives under (a file under
 *   its mount). `inherit`: a process created as a copy of that field's process, mappings included
 *   (fork). `size`: the range a mapping or segment name denotes, in pages.
 */
export type NameUse<O extends Op> =
  | { readonly field: FieldOf<O>; readonly ns: Namespace; readonly role: 'need' }
  | { readonly field: FieldOf<O>; readonly ns: Namespace; readonly role: 'end'; readonly when: 'run' | 'ok' }
  | {
      readonly field: FieldOf<O>;
      readonly ns: Namespace;
      readonly role: 'create';
      readonly optional?: boolean;
      readonly under?: FieldOf<O>;
      readonly inherit?: FieldOf<O>;
      readonly size?: (step: StepOf<O>, sizeOf: (field: FieldOf<O>) => number) => number;
    };

export type FieldOf<O extends Op> = Exclude<keyof StepOf<O>, 'op' | 'expect' | 'note'> & string;

/** What an op's validation hook may use beyond the fields: the pages a name's handle denotes. */
export interface ValidateCtx {
  /** The range of the mapping or segment a handle denotes, in pages. */
  size(handle: number): number;
  err(field: string | undefined, reason: string): Error;
  index: number;
}

/** The model binding's view of a run: the policy's kernel functions, the state, and the objects the
 *  scenario's handles denote (a Process, a Binding, an Inode, a Mount). */
export interface ModelCtx {
  readonly k: Kernel;
  readonly s: ModelState;
  get<T>(handle: number): T;
  set(handle: number, obj: unknown): void;
  /** The byte a successful read or write saw. */
  value: number | undefined;
}

/** What a mapping name denotes on the model and on the kernel: the range its creating step asked for. */
export interface Binding {
  start: number;
  pages: number;
}

/** The kernel runner's view (kernel/machine.ts): objects by handle, and the driver. */
export interface DriverCtx {
  get<T>(handle: number): T;
  set(handle: number, obj: unknown): void;
  /** Sends one command line to the driver (kernel/driver.c) and returns its result. */
  call(line: string): Promise<Result>;
  readonly last: Reply;
  /** Leaked reservations of the idle machine, added to every pool write. */
  readonly leaked: number;
  /** A fresh index of a kind of driver object. */
  next(kind: 'node' | 'mount' | 'file' | 'seg'): number;
  value: number | undefined;
}

/** A scenario process on the kernel: its driver node and the next free address of its ranges. */
export interface KProc {
  node: number;
  nextAddr: number;
}
export interface KMount {
  idx: number;
  hasSize: boolean;
}
export interface KFile {
  mount: KMount;
  id: number;
}
export interface KSeg {
  idx: number;
  pages: number;
}

/** A fresh range of a process: never used, with a one-page gap (as model/state.ts getUnmappedArea). */
export function allocRange(p: { nextAddr: number }, pages: number): number {
  const a = p.nextAddr;
  p.nextAddr += pages + 1;
  return a;
}

export interface OpDefinition<O extends Op> {
  readonly op: O;
  /** The validator's field table: kind, required or default, per field (scenario/fields.ts). */
  readonly fields: OpSpec<O>;
  readonly names: readonly NameUse<O>[];
  /** Checks beyond names and fields (ranges, defaults that depend on the scenario); may fill in a
   *  context default of `step` (munmap's "whole mapping", write's value). */
  validate?(step: Record<string, unknown>, h: Handles<O>, ctx: ValidateCtx): void;
  /** The step in kernel terms: `p0: a = mmap(2 hp, MAP_PRIVATE|MAP_HUGETLB)`. */
  describe(step: StepOf<O>): string;
  /** Runs the step on the model; only called when every name it needs is live. */
  model(ctx: ModelCtx, step: StepOf<O>, h: Handles<O>): Result;
  /** Runs the step on the kernel through the driver; only called when every name it needs is live. */
  driver(ctx: DriverCtx, step: StepOf<O>, h: Handles<O>): Promise<Result>;
  /** The step as a call of kernel/repro-runtime.c, with handles for names. */
  c(step: StepOf<O>, h: Handles<O>): string;
  /** The results the step's system call documents for its arguments and for what the scenario has
   *  set up so far (the tracker, before this step): the errors of its manual page the vocabulary can
   *  cause, each where it applies. The documented-results invariant judges every step that ran
   *  against them, on the model and on the kernel. */
  results(step: StepOf<O>, t: Tracker): readonly Result[];
  /** What the step promises (properties/promises.ts): updates the tracker, fills `facts`. Not
   *  called for a skipped step. Independent of the model: it judges kernel traces too. */
  promise(t: Tracker, step: StepOf<O>, obs: Observation, facts: StepFacts): void;
  /** Failures the kernel documents as having partial effects (error-atomicity allows them). */
  partialFailures?(step: StepOf<O>): readonly Result[];
  /** Plainer variants of the step, for the shrinker (shrinkers/reduce.ts). */
  plainer?(step: StepOf<O>): Iterable<StepOf<O>>;
}

export type Registry = { readonly [O in Op]: OpDefinition<O> };

/** An op definition, checked against its op. */
export function defineOp<O extends Op>(d: OpDefinition<O>): OpDefinition<O> {
  return d;
}

// ---- generation -------------------------------------------------------------------------------

/**
 * How often rare options are drawn (the generator's option dial, generator/arbitrary.ts): MAP_NORESERVE,
 * MAP_POPULATE, MADV_REMOVE (0 never, 1 one time in five, 2 always); mmap's sharing (0 private, 1 either,
 * 2 shared); what an mmap maps (0 anonymous, 1 a file half the time, 2 a file four times in five);
 * protections other than rw (0 never, 1 two times in five); accesses (0 reads, 1 either, 2 writes).
 */
export interface OptionDial {
  noreserve: 0 | 1 | 2;
  populate: 0 | 1 | 2;
  remove: 0 | 1 | 2;
  share: 0 | 1 | 2;
  file: 0 | 1 | 2;
  prot: 0 | 1;
  write: 0 | 1 | 2;
}

/** What the generator's resolver offers a command (generator/resolve.ts): what statically exists,
 *  and the choice of fresh names. Selectors are small numbers taken modulo what exists. */
export interface ResolveCtx {
  /** Live processes in order of creation, p0 first. */
  procs(): readonly string[];
  /** Live files in order of creation. */
  files(): readonly string[];
  /** Live mounts in order of creation, "default" first. */
  mounts(): readonly string[];
  /** Live segments in order of creation. */
  segs(): readonly string[];
  pick<T>(xs: readonly T[], sel: number): T | undefined;
  /** Newest first: small selectors pick what was just made. */
  pickNewest<T>(xs: readonly T[], sel: number): T | undefined;
  /** The smallest `${prefix}${i}` not taken. */
  fresh(prefix: string, taken: (n: string) => boolean): string;
  /** The first free mapping name of a process (a, b, ..., then m<i>). */
  freshMap(proc: string): string;
  /** A mapping of a process with at least one page: its name and range. */
  mapping(p: number, m: number): { proc: string; map: string; range: number } | undefined;
}

/** A generator command: what fast-check draws (selectors, sizes, flags, never names), and how it
 *  becomes a step. `produces` lists the ops it can become. */
export interface CommandDef<K extends string, C extends { k: K }, P extends Op = Op> {
  readonly kind: K;
  readonly weight: number;
  readonly produces: readonly P[];
  arbitrary(o: OptionDial): fc.Arbitrary<C>;
  resolve(r: ResolveCtx, c: C): Step | undefined;
}

export function defineCommand<K extends string, C extends { k: K }, P extends Op>(d: CommandDef<K, C, P>): CommandDef<K, C, P> {
  return d;
}

// ---- exploration --------------------------------------------------------------------------------

/** Where in the alphabet an op's successors are listed (explore/alphabet.ts walks them in this
 *  order: the system, each file, segments, then per process its fresh mapping, each mapping, itself). */
export type ExploreLevel = 'system' | 'file' | 'ipc' | 'fresh' | 'map' | 'proc';

/** A hugetlbfs mount an exploration may make: its size= and min_size= in pages. */
export interface MountSpec {
  size?: number;
  minSize?: number;
}

/** The bounds of an exploration's scope that the ops' successors read (explore/scope.ts's Scope
 *  adds the op flags). */
export interface ScopeBounds {
  /** Processes alive at once, p0 included. */
  procs: number;
  /** Mapping names per process. */
  maps: number;
  /** Largest mapping, file or segment, in pages. */
  pages: number;
  /** nr_hugepages at the start (setPool may move it within 0..pool). */
  pool: number;
  /** nr_overcommit_hugepages at the start (setOvercommit may move it within 0..overcommit). */
  overcommit: number;
  /** Files alive at once (create). */
  files: number;
  /** Segments alive at once (shmget). */
  segs: number;
  /** The hugetlbfs mounts that `mount` may make, beside "default": mount h<j> has spec j. */
  mounts: MountSpec[];
}

export interface ExploreCtx {
  scope: ScopeBounds;
  has(flag: string): boolean;
  /** The write value of this depth. */
  value: number;
  forks: number;
  procs: readonly string[];
  files: readonly string[];
  segs: readonly string[];
  /** Live mounts, "default" included. */
  mounts: readonly string[];
  /** The process whose steps are listed (levels fresh, map, proc). */
  proc: string;
  /** The fresh mapping name of the process (level fresh), and the mapping listed (level map). */
  fresh?: string;
  map?: string;
  pages?: number;
  /** The file listed (level file). */
  file?: string;
}

/** How the bounded exploration (explore/) tries an op: its flags (with the help line each adds to
 *  `hugecheck explore --ops`), the steps it lists, and what a scenario's step needs of a scope. */
export interface ExploreDef<F extends string, P extends Op = Op> {
  readonly flags: { readonly [K in F]: string };
  readonly level: ExploreLevel;
  readonly produces: readonly P[];
  successors(ctx: ExploreCtx, out: Step[]): void;
  /** The flags a step needs, and what the alphabet cannot write of it (scopeOf). */
  scope(step: Step, acc: ScopeAcc): void;
}

/** What scopeOf gathers from a scenario's steps. */
export interface ScopeAcc {
  flag(f: string): void;
  unsupported(what: string): void;
  pages(n: number): void;
  overcommit(n: number): void;
  pool(n: number): void;
  mount(m: MountSpec): void;
  file(name: string): void;
  seg(name: string): void;
}

export function defineExplore<F extends string, P extends Op>(d: ExploreDef<F, P>): ExploreDef<F, P> {
  return d;
}
