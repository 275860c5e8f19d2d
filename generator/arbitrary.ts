/** fast-check arbitraries: abstract commands, weighted, with sizes small enough that the pool runs out. */
import fc from 'fast-check';
import type { Scenario, Setup } from '../scenario/types';
import { COMMANDS } from '../ops';
import { record } from '../ops/gen';
import type { OptionDial } from '../ops/define';
import { COMMAND_KINDS, DEFAULT_WEIGHTS, type Command, type CommandKind, type Weights } from './commands';
import { resolve } from './resolve';

export type { OptionDial } from '../ops/define';

/**
 * The option values a scenario's commands draw from (`OptionDial`, ops/define.ts). The classic
 * generator uses `DEFAULT_OPTIONS` for every scenario; swarm generation (below) draws one set per
 * scenario, so that a scenario made of MAP_NORESERVE mappings only, or of shared file mappings only,
 * comes at full strength instead of almost never.
 */
export const DEFAULT_OPTIONS: OptionDial = { noreserve: 1, populate: 1, remove: 1, share: 1, file: 1, prot: 1, write: 1 };

type Arbs = { [K in CommandKind]: fc.Arbitrary<Extract<Command, { k: K }>> };

/** Each command's arbitrary under a dial (the commands are defined in ops/). */
function buildArbs(o: OptionDial): Arbs {
  return Object.fromEntries(COMMANDS.map((c) => [c.kind, c.arbitrary(o)])) as unknown as Arbs;
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

export const setupArbitrary: fc.Arbitrary<Setup> = record({
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
  const dial: fc.Arbitrary<OptionDial> = record({
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
