/**
 * The scenario and trace formats of `shared/contracts/scenario-v1.md`, as TypeScript types.
 *
 * These types are the single source of the op vocabulary: the validator's field table
 * (`scenario/fields.ts`) is type-checked against them, the model's interpreter switches over
 * `Step['op']` exhaustively, and every later consumer (generator, shrinker, reports, C reproducer)
 * imports them from here.
 */

export const SCENARIO_FORMAT = 'hugecheck.scenario/1';
export const TRACE_FORMAT = 'hugecheck.trace/1';

export type Share = 'private' | 'shared';
export type Prot = 'rw' | 'r' | 'none';
export type Advice = 'dontneed' | 'remove';

/** What a runner observed after a step (a partial one is an expectation). */
export interface Counters {
  total: number;
  free: number;
  /** Signed: the kernel prints a wrapped unsigned value when it goes below zero. */
  rsvd: number;
  surp: number;
}

/** `statfs` of a mount in pages; both null for a mount without `size=`. */
export interface MountStat {
  blocks: number | null;
  bfree: number | null;
}

export type Errno =
  | 'ENOMEM'
  | 'EINVAL'
  | 'EFAULT'
  | 'ENOSPC'
  | 'EBUSY'
  | 'EOPNOTSUPP'
  | 'EBADF'
  | 'EACCES'
  | 'EPERM';
export type Signal = 'SIGBUS' | 'SIGSEGV';
export type Result = 'ok' | Errno | Signal | 'skipped';

export const RESULTS: readonly Result[] = [
  'ok', 'ENOMEM', 'EINVAL', 'EFAULT', 'ENOSPC', 'EBUSY', 'EOPNOTSUPP', 'EBADF', 'EACCES', 'EPERM',
  'SIGBUS', 'SIGSEGV', 'skipped',
];

export interface Observation {
  result: Result;
  /** The byte a read returned or a write stored; only when `result` is ok. */
  value?: number;
  counters: Counters;
  mounts: Record<string, MountStat>;
}

export interface Expectation {
  result?: Result;
  value?: number;
  counters?: Partial<Counters>;
  mounts?: Record<string, Partial<MountStat>>;
}

interface StepCommon {
  expect?: Expectation;
  /** Free text for people (where an expectation comes from); ignored by runners. */
  note?: string;
}

// ---- the ops, as runners receive them: every defaulted field filled in --------------------------

export interface SetPoolStep extends StepCommon { op: 'setPool'; pages: number }
export interface SetOvercommitStep extends StepCommon { op: 'setOvercommit'; pages: number }
export interface MountStep extends StepCommon { op: 'mount'; mount: string; size?: number; minSize?: number }
export interface UmountStep extends StepCommon { op: 'umount'; mount: string }
export interface CreateStep extends StepCommon { op: 'create'; file: string; mount: string }
export interface UnlinkStep extends StepCommon { op: 'unlink'; file: string }
export interface TruncateStep extends StepCommon { op: 'truncate'; file: string; pages: number }
export interface FallocateStep extends StepCommon {
  op: 'fallocate'; file: string; offset: number; pages: number; punch: boolean;
}
export interface MmapStep extends StepCommon {
  op: 'mmap'; proc: string; map: string; pages: number; share: Share; file?: string; offset: number;
  noreserve: boolean; populate: boolean; prot: Prot;
  /** MAP_LOCKED (absent: not set). */
  locked?: boolean;
}
export interface MunmapStep extends StepCommon { op: 'munmap'; proc: string; map: string; offset: number; pages: number }
export interface MremapStep extends StepCommon {
  op: 'mremap'; proc: string; map: string; offset: number; oldPages: number; newPages: number; to?: string;
}
export interface MadviseStep extends StepCommon {
  op: 'madvise'; proc: string; map: string; offset: number; pages: number; advice: Advice;
}
export interface MprotectStep extends StepCommon {
  op: 'mprotect'; proc: string; map: string; offset: number; pages: number; prot: Prot;
}
export interface MlockStep extends StepCommon { op: 'mlock'; proc: string; map: string; offset: number; pages: number }
export interface MunlockStep extends StepCommon { op: 'munlock'; proc: string; map: string; offset: number; pages: number }
export interface ReadStep extends StepCommon { op: 'read'; proc: string; map: string; page: number }
export interface WriteStep extends StepCommon { op: 'write'; proc: string; map: string; page: number; value: number }
export interface ForkStep extends StepCommon { op: 'fork'; proc: string; child: string }
export interface ExitStep extends StepCommon { op: 'exit'; proc: string }
export interface ShmgetStep extends StepCommon { op: 'shmget'; seg: string; pages: number; noreserve: boolean }
export interface ShmatStep extends StepCommon { op: 'shmat'; proc: string; seg: string; map: string }
export interface ShmrmStep extends StepCommon { op: 'shmrm'; seg: string }

export type Step =
  | SetPoolStep | SetOvercommitStep | MountStep | UmountStep | CreateStep | UnlinkStep | TruncateStep
  | FallocateStep | MmapStep | MunmapStep | MremapStep | MadviseStep | MprotectStep | MlockStep
  | MunlockStep | ReadStep | WriteStep | ForkStep | ExitStep | ShmgetStep | ShmatStep | ShmrmStep;

export type Op = Step['op'];
export type StepOf<O extends Op> = Extract<Step, { op: O }>;

export interface Setup {
  nr_hugepages: number;
  nr_overcommit_hugepages: number;
}

/** A validated scenario: defaults applied, names checked. */
export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  name: string;
  description?: string;
  /** Where the expectations come from (goldens: a kernel-observed table id or a kernel run). */
  source?: string;
  setup: Setup;
  /** The scenario drives Rsvd below zero; a kernel runner with a leaked baseline skips it. */
  requiresCleanPool?: boolean;
  /** The scenario leaks reservations on a real kernel (partial private mremap move). */
  modelOnly?: boolean;
  steps: Step[];
}

export interface Mismatch {
  step: number;
  field: string;
  expected: unknown;
  observed: unknown;
}

export interface Trace {
  format: typeof TRACE_FORMAT;
  /** The hugecheck that wrote it, in a trace printed as a document (run --json). */
  tool?: string;
  scenario: string;
  runner: string;
  baseline?: Counters;
  initial: Counters;
  steps: Observation[];
  final: Observation;
  mismatches: Mismatch[];
}
