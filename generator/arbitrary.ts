/** fast-check arbitraries: abstract commands, weighted, with sizes small enough that the pool runs out. */
import fc from 'fast-check';
import type { Scenario, Setup } from '../scenario/types';
import { COMMAND_KINDS, DEFAULT_WEIGHTS, type Command, type CommandKind, type Weights } from './commands';
import { resolve } from './resolve';

const sel = fc.nat(7);
const pages = fc.integer({ min: 1, max: 3 });

/**
 * The option values a scenario's commands draw from. The classic generator uses `DEFAULT_OPTIONS`
 * for every scenario; swarm generation (below) draws one set per scenario, so that a scenario made
 * of MAP_NORESERVE mappings only, or of shared file mappings only, comes at full strength instead
 * of almost never.
 */
export interface OptionDial {
  /** How often each rare option is set: MAP_NORESERVE, MAP_POPULATE, MADV_REMOVE. 0 never,
   *  1 one time in five (the classic generator), 2 always. */
  noreserve: 0 | 1 | 2;
  populate: 0 | 1 | 2;
  remove: 0 | 1 | 2;
  /** mmap's sharing: 0 private only, 1 either, 2 shared only. */
  share: 0 | 1 | 2;
  /** What an mmap maps: 0 anonymous only, 1 a file half the time, 2 a file four times in five. */
  file: 0 | 1 | 2;
  /** Protections other than PROT_READ|PROT_WRITE: 0 never, 1 two times in five. */
  prot: 0 | 1;
  /** Accesses: 0 reads only, 1 either, 2 writes only. */
  write: 0 | 1 | 2;
}

export const DEFAULT_OPTIONS: OptionDial = { noreserve: 1, populate: 1, remove: 1, share: 1, file: 1, prot: 1, write: 1 };

const flag = (dial: 0 | 1 | 2, one: fc.Arbitrary<boolean>) => (dial === 0 ? fc.constant(false) : dial === 2 ? fc.constant(true) : one);
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

type Arbs = { [K in CommandKind]: fc.Arbitrary<Extract<Command, { k: K }>> };

function buildArbs(o: OptionDial): Arbs {
  const prot = o.prot === 0 ? fc.constant<'rw' | 'r' | 'none'>('rw') : fc.constantFrom<'rw' | 'r' | 'none'>('rw', 'rw', 'rw', 'r', 'none');
  const file = o.file === 0 ? fc.constant(null) : fc.option(sel, { nil: null, freq: o.file === 1 ? 2 : 5 });
  return {
    setPool: fc.record({ k: fc.constant('setPool' as const), pages: fc.nat(4) }),
    setOvercommit: fc.record({ k: fc.constant('setOvercommit' as const), pages: fc.nat(2) }),
    mount: fc.record({ k: fc.constant('mount' as const), size: fc.option(fc.nat(3), { nil: null }), minSize: fc.option(fc.nat(2), { nil: null }) }),
    umount: fc.record({ k: fc.constant('umount' as const), m: sel }),
    create: fc.record({ k: fc.constant('create' as const), m: sel }),
    unlink: fc.record({ k: fc.constant('unlink' as const), f: sel }),
    truncate: fc.record({ k: fc.constant('truncate' as const), f: sel, pages: fc.nat(3) }),
    fallocate: fc.record({ k: fc.constant('fallocate' as const), f: sel, offset: fc.nat(2), pages, punch: fc.boolean() }),
    mmap: fc.record({
      k: fc.constant('mmap' as const), p: sel, pages, shared: flag(o.share, fc.boolean()), file,
      offset: fc.nat(1), noreserve: flag(o.noreserve, rarely), populate: flag(o.populate, rarely), prot,
    }),
    munmap: fc.record({ k: fc.constant('munmap' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3) }),
    mremap: fc.record({ k: fc.constant('mremap' as const), p: sel, m: sel, offset: fc.nat(3), oldPages: fc.nat(3), newPages: fc.nat(3), move: fc.boolean() }),
    madvise: fc.record({ k: fc.constant('madvise' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), remove: flag(o.remove, rarely) }),
    mprotect: fc.record({ k: fc.constant('mprotect' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), prot }),
    touch: fc.record({ k: fc.constant('touch' as const), p: sel, m: sel, page: fc.nat(3), write: flag(o.write, fc.boolean()) }),
    fork: fc.record({ k: fc.constant('fork' as const), p: sel }),
    exit: fc.record({ k: fc.constant('exit' as const), p: sel }),
    shmget: fc.record({ k: fc.constant('shmget' as const), pages, noreserve: flag(o.noreserve, rarely) }),
    shmat: fc.record({ k: fc.constant('shmat' as const), p: sel, seg: sel }),
    shmrm: fc.record({ k: fc.constant('shmrm' as const), seg: sel }),
  };
}

const dialKey = (o: OptionDial) => `${o.noreserve}${o.populate}${o.remove}${o.share}${o.file}${o.prot}${o.write}`;

/** The per-kind arbitraries of each option dial, built once per dial in use. */
const ARBS_CACHE = new Map<string, Arbs>();
function arbsFor(o: OptionDial): Arbs {
  const key = dialKey(o);
  let a = ARBS_CACHE.get(key);
  if (!a) ARBS_CACHE.set(key, (a = buildArbs(o)));
  return a;
}

export function commandArbitrary(weights: Weights = DEFAULT_WEIGHTS, options: OptionDial = DEFAULT_OPTIONS): fc.Arbitrary<Command> {
  const arbs = arbsFor(options);
  const parts = COMMAND_KINDS.filter((k) => weights[k] > 0).map((k) => ({ arbitrary: arbs[k] as fc.Arbitrary<Command>, weight: weights[k] }));
  return fc.oneof(...parts);
}

export const setupArbitrary: fc.Arbitrary<Setup> = fc.record({
  nr_hugepages: fc.nat(4),
  nr_overcommit_hugepages: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat(2), weight: 1 }),
});

/** How scenarios are drawn: `classic` (the default: every kind, default options), `swarm`
 *  (per-scenario op kinds and options), `guided` (classic plus a coverage-guided corpus,
 *  checker/guided.ts). The README's campaign figures say why classic is the default. */
export type GeneratorKind = 'classic' | 'swarm' | 'guided';
export const GENERATOR_KINDS: readonly GeneratorKind[] = ['classic', 'swarm', 'guided'];
export const DEFAULT_GENERATOR: GeneratorKind = 'classic';

export interface GeneratorOptions {
  weights?: Weights;
  maxCommands?: number;
  /** At least this many commands (default 0); the bench uses it for fixed-length scenarios. */
  minCommands?: number;
  /** Swarm generation (default off): each scenario draws its own subset of op kinds and option
   *  dial; otherwise every scenario has every kind with the default options. */
  swarm?: boolean;
}

/**
 * A swarm configuration: which op kinds a scenario may use, and its option dial. One scenario in
 * four keeps every kind and the default options (the classic generator, tuned on the zoo); the
 * others keep each kind with a probability that grows with its weight (its prior), so a kind of
 * weight 26 is kept nine times in ten and one of weight 1 four times in ten. The kept kinds share
 * the weights as before. Swarm testing: Groce, Zhang, Eide, Chen, Regehr, ISSTA 2012.
 */
export interface SwarmConfig {
  kinds: CommandKind[];
  options: OptionDial;
}

export function keepProbability(weight: number): number {
  return weight <= 0 ? 0 : Math.min(0.9, 0.35 + weight / 40);
}

export function swarmConfigArbitrary(weights: Weights = DEFAULT_WEIGHTS): fc.Arbitrary<SwarmConfig> {
  const kinds = COMMAND_KINDS.filter((k) => weights[k] > 0);
  // Each kind's coin: kept when a draw from 0..999 falls below its probability.
  const coins = fc.tuple(...kinds.map(() => fc.integer({ min: 0, max: 999 })));
  const dial: fc.Arbitrary<OptionDial> = fc.record({
    // The rare options stay rare more often than not: one dial in four sets one always.
    noreserve: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
    populate: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
    remove: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
    share: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    file: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    prot: fc.constantFrom<0 | 1>(0, 1),
    write: fc.constantFrom<0 | 1 | 2>(1, 1, 0, 2),
  });
  const swarm = fc.tuple(coins, dial).map(([c, options]): SwarmConfig => {
    const kept = kinds.filter((k, i) => c[i]! < keepProbability(weights[k]) * 1000);
    // A scenario needs something to act on: with no mmap and no shmget kept, keep mmap.
    if (!kept.includes('mmap') && !kept.includes('shmget') && kinds.includes('mmap')) kept.push('mmap');
    return { kinds: kept.length ? kept : kinds, options };
  });
  const classic = fc.constant<SwarmConfig>({ kinds, options: DEFAULT_OPTIONS });
  return fc.oneof({ arbitrary: classic, weight: 1 }, { arbitrary: swarm, weight: 3 });
}

/** What the generator drew: the abstract commands (a guided search mutates them) and the
 *  scenario they resolve to. */
export interface Genome {
  setup: Setup;
  cmds: Command[];
}
export interface Drawn {
  genome: Genome;
  scenario: Scenario;
}

const drawn = (setup: Setup, cmds: Command[]): Drawn => ({ genome: { setup, cmds }, scenario: resolve(setup, cmds) });

/** Scenarios with their commands: a setup and up to `maxCommands` commands, resolved. */
export function drawnArbitrary(opts: GeneratorOptions = {}): fc.Arbitrary<Drawn> {
  const weights = opts.weights ?? DEFAULT_WEIGHTS;
  const array = (cmd: fc.Arbitrary<Command>) => fc.array(cmd, { minLength: opts.minCommands ?? 0, maxLength: opts.maxCommands ?? 50, size: 'medium' });
  if (!opts.swarm) return fc.tuple(setupArbitrary, array(commandArbitrary(weights))).map(([setup, cmds]) => drawn(setup, cmds));
  // One command arbitrary per configuration in use, not one per scenario.
  const byConfig = new Map<string, fc.Arbitrary<[Setup, Command[]]>>();
  return swarmConfigArbitrary(weights)
    .chain((cfg) => {
      const o = cfg.options;
      const key = `${cfg.kinds.join(',')}|${dialKey(o)}`;
      let a = byConfig.get(key);
      if (!a) {
        if (byConfig.size >= 4096) byConfig.clear();
        byConfig.set(key, (a = fc.tuple(setupArbitrary, array(commandArbitrary(restrict(weights, cfg.kinds), o)))));
      }
      return a;
    })
    .map(([setup, cmds]) => drawn(setup, cmds));
}

/** Scenarios: a setup and up to `maxCommands` commands, resolved. */
export function scenarioArbitrary(opts: GeneratorOptions = {}): fc.Arbitrary<Scenario> {
  return drawnArbitrary(opts).map((d) => d.scenario);
}

function restrict(weights: Weights, kinds: readonly CommandKind[]): Weights {
  const out = { ...weights };
  for (const k of COMMAND_KINDS) if (!kinds.includes(k)) out[k] = 0;
  return out;
}
