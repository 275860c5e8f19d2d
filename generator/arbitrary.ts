/** fast-check arbitraries: abstract commands, weighted, with sizes small enough that the pool runs out. */
import fc from 'fast-check';
import type { Scenario, Setup } from '../scenario/types';
import { COMMAND_KINDS, DEFAULT_WEIGHTS, type Command, type CommandKind, type Weights } from './commands';
import { resolve } from './resolve';

const sel = fc.nat(7);
const pages = fc.integer({ min: 1, max: 3 });
const prot = fc.constantFrom<'rw' | 'r' | 'none'>('rw', 'rw', 'rw', 'r', 'none');
/** Mostly false: a rare option. */
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

const ARBS: { [K in CommandKind]: fc.Arbitrary<Extract<Command, { k: K }>> } = {
  setPool: fc.record({ k: fc.constant('setPool' as const), pages: fc.nat(4) }),
  setOvercommit: fc.record({ k: fc.constant('setOvercommit' as const), pages: fc.nat(2) }),
  mount: fc.record({ k: fc.constant('mount' as const), size: fc.option(fc.nat(3), { nil: null }), minSize: fc.option(fc.nat(2), { nil: null }) }),
  umount: fc.record({ k: fc.constant('umount' as const), m: sel }),
  create: fc.record({ k: fc.constant('create' as const), m: sel }),
  unlink: fc.record({ k: fc.constant('unlink' as const), f: sel }),
  truncate: fc.record({ k: fc.constant('truncate' as const), f: sel, pages: fc.nat(3) }),
  fallocate: fc.record({ k: fc.constant('fallocate' as const), f: sel, offset: fc.nat(2), pages, punch: fc.boolean() }),
  mmap: fc.record({
    k: fc.constant('mmap' as const), p: sel, pages, shared: fc.boolean(), file: fc.option(sel, { nil: null, freq: 2 }),
    offset: fc.nat(1), noreserve: rarely, populate: rarely, prot,
  }),
  munmap: fc.record({ k: fc.constant('munmap' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3) }),
  mremap: fc.record({ k: fc.constant('mremap' as const), p: sel, m: sel, offset: fc.nat(3), oldPages: fc.nat(3), newPages: fc.nat(3), move: fc.boolean() }),
  madvise: fc.record({ k: fc.constant('madvise' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), remove: rarely }),
  mprotect: fc.record({ k: fc.constant('mprotect' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), prot }),
  touch: fc.record({ k: fc.constant('touch' as const), p: sel, m: sel, page: fc.nat(3), write: fc.boolean() }),
  fork: fc.record({ k: fc.constant('fork' as const), p: sel }),
  exit: fc.record({ k: fc.constant('exit' as const), p: sel }),
  shmget: fc.record({ k: fc.constant('shmget' as const), pages, noreserve: rarely }),
  shmat: fc.record({ k: fc.constant('shmat' as const), p: sel, seg: sel }),
  shmrm: fc.record({ k: fc.constant('shmrm' as const), seg: sel }),
};

export function commandArbitrary(weights: Weights = DEFAULT_WEIGHTS): fc.Arbitrary<Command> {
  const parts = COMMAND_KINDS.filter((k) => weights[k] > 0).map((k) => ({ arbitrary: ARBS[k] as fc.Arbitrary<Command>, weight: weights[k] }));
  return fc.oneof(...parts);
}

export const setupArbitrary: fc.Arbitrary<Setup> = fc.record({
  nr_hugepages: fc.nat(4),
  nr_overcommit_hugepages: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat(2), weight: 1 }),
});

export interface GeneratorOptions {
  weights?: Weights;
  maxCommands?: number;
  /** At least this many commands (default 0); the bench uses it for fixed-length scenarios. */
  minCommands?: number;
}

/** Scenarios: a setup and up to `maxCommands` commands, resolved. */
export function scenarioArbitrary(opts: GeneratorOptions = {}): fc.Arbitrary<Scenario> {
  return fc
    .tuple(setupArbitrary, fc.array(commandArbitrary(opts.weights), { minLength: opts.minCommands ?? 0, maxLength: opts.maxCommands ?? 50, size: 'medium' }))
    .map(([setup, cmds]) => resolve(setup, cmds));
}
