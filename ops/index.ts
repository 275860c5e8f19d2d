/**
 * The op registry: every op of the scenario format, each defined once in its module of ops/.
 *
 * `OPS` is typed over every op (`Registry`): an op of scenario/types.ts without a definition, or a
 * definition without one of its parts, does not compile (test/ops-registry.test.ts proves it with
 * `@ts-expect-error`). The generator's vocabulary (`COMMANDS`) and the explorer's (`EXPLORE`) are
 * lists of definitions; the type checks below make every op producible by some command and some
 * exploration flag. Everything else (the validator's field table, the runners, the C reproducer, the
 * judge's promises, reports, the shrinker) reads this registry instead of switching on the op.
 */
import type { Op, Step } from '../scenario/types';
import type { Vocabulary } from '../scenario/fields';
import type { CommandDef, ExploreDef, Registry } from './define';
import { create, createCommand, createExplore, fallocate, fallocateCommand, fileExplore, truncate, truncateCommand, unlink, unlinkCommand } from './file';
import { mlock, mlockCommand, mlockExplore, munlock } from './mlock';
import { mmap, mmapCommand, mmapExplore } from './mmap';
import { mount, mountCommand, mountExplore, umount, umountCommand } from './mount';
import { setOvercommit, setOvercommitCommand, setOvercommitExplore, setPool, setPoolCommand, setPoolExplore } from './pool';
import { exit, exitCommand, fork, forkCommand, processExplore } from './process';
import { shmat, shmatCommand, shmatExplore, shmExplore, shmget, shmgetCommand, shmrm, shmrmCommand } from './shm';
import { read, touchCommand, touchExplore, write } from './touch';
import { madvise, madviseCommand, mprotect, mprotectCommand, mremap, mremapCommand, munmap, munmapCommand, vmaExplore } from './vma';

export const OPS: Registry = {
  setPool, setOvercommit, mount, umount, create, unlink, truncate, fallocate, mmap, munmap, mremap, madvise, mprotect,
  mlock, munlock, read, write, fork, exit, shmget, shmat, shmrm,
};

/** Every op, in the registry's order. */
export const OP_NAMES = Object.keys(OPS) as Op[];

export function isOp(x: unknown): x is Op {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(OPS, x);
}

/** The validator's field table, per op. */
export const VOCABULARY = Object.fromEntries(OP_NAMES.map((o) => [o, OPS[o].fields])) as unknown as Vocabulary;

/** The generator's commands, in the order fast-check draws among them (part of every seed's
 *  meaning: reordering changes what a seed generates). */
export const COMMANDS = [
  touchCommand, mmapCommand, forkCommand, munmapCommand, exitCommand, mremapCommand, madviseCommand, mprotectCommand,
  setPoolCommand, setOvercommitCommand, createCommand, unlinkCommand, truncateCommand, fallocateCommand, mountCommand,
  umountCommand, shmgetCommand, shmatCommand, shmrmCommand, mlockCommand,
] as const;

type CommandOf<D> = D extends CommandDef<infer _K, infer C, infer _P> ? C : never;
export type Command = CommandOf<(typeof COMMANDS)[number]>;
export type CommandKind = Command['k'];

/** The explorer's op families, in the order the alphabet lists their steps within a level. */
export const EXPLORE = [
  setPoolExplore, setOvercommitExplore, mountExplore, createExplore, fileExplore, shmExplore, mmapExplore, shmatExplore,
  touchExplore, vmaExplore, mlockExplore, processExplore,
] as const;

type FlagsOf<D> = D extends ExploreDef<infer F, infer _P> ? F : never;
export type ExploreFlag = FlagsOf<(typeof EXPLORE)[number]>;

// Every op is produced by some command and by some exploration family: a new op that is neither
// generated nor explored does not compile (the error names the missing ops).
type ProducedBy<D> = D extends { readonly produces: readonly (infer P)[] } ? P : never;
type NotGenerated = Exclude<Op, ProducedBy<(typeof COMMANDS)[number]>>;
type NotExplored = Exclude<Op, ProducedBy<(typeof EXPLORE)[number]>>;
export const EVERY_OP_GENERATED: [NotGenerated] extends [never] ? true : { notGenerated: NotGenerated } = true;
export const EVERY_OP_EXPLORED: [NotExplored] extends [never] ? true : { notExplored: NotExplored } = true;

/** Whether a step creates a name of a namespace (a fork a process, a mount a mount, ...). */
export function createsName(step: Step, ns: 'proc' | 'mount' | 'seg' | 'file' | 'map'): boolean {
  for (const u of OPS[step.op].names) if (u.role === 'create' && u.ns === ns && (step as unknown as Record<string, unknown>)[u.field] !== undefined) return true;
  return false;
}
