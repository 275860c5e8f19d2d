/**
 * Coverage-guided generation, in the manner of AFL and syzkaller but on the model: a scenario that
 * reaches coverage no earlier one reached joins a corpus, and later scenarios are either drawn
 * fresh or made by mutating a corpus entry (delete, insert, duplicate or change
 * a command, splice two entries, a new setup).
 *
 * Coverage is a set of features: each named kernel function that ran, its outcome classes, its call
 * count in AFL's buckets (1, 2, 3, 4-7, 8-15, 16+), and from the trace each step's op and result,
 * with the pool's state after it (no free page, Free equal to Rsvd, surplus present, reservations
 * present) and the op and result of the step before.
 *
 * fast-check stays the engine: it draws the choices (fresh or mutated, which entry, which
 * mutations) from its seeded random source, runs the property, shrinks and replays. What is
 * hugecheck's own is the corpus, the features and the mutations. The corpus grows only from the
 * runs of the search (never from shrinking), in run order, so the same seed gives the same result.
 */
import fc from 'fast-check';
import { commandArbitrary, drawnArbitrary, setupArbitrary, type Drawn, type GeneratorOptions, type Genome } from '../generator/arbitrary';
import { DEFAULT_WEIGHTS, type Command } from '../generator/commands';
import { resolve } from '../generator/resolve';
import type { Scenario, Trace } from '../scenario/types';

export class Corpus {
  readonly entries: Genome[] = [];
  /** Entries whose trace differs from the reference policy's (a user's change at work). */
  readonly priority: Genome[] = [];
  private readonly seen = new Set<string>();

  /** Adds the genome if it has a feature not seen before (to the priority list too when it
   *  differs from the reference); whether it was added. */
  offer(genome: Genome, features: Iterable<string>, differs = false): boolean {
    let fresh = false;
    let freshDiff = false;
    for (const f of features) {
      if (!this.seen.has(f)) {
        this.seen.add(f);
        fresh = true;
      }
      // Differing runs have a feature space of their own: the priority list gets a varied set.
      if (differs && !this.seen.has(`d${f}`)) {
        this.seen.add(`d${f}`);
        freshDiff = true;
      }
    }
    if (!fresh && !freshDiff) return false;
    this.entries.push(genome);
    if (freshDiff) this.priority.push(genome);
    return true;
  }

  get features(): number {
    return this.seen.size;
  }
}

const bucket = (n: number) => (n <= 3 ? n : n < 8 ? 4 : n < 16 ? 8 : 16);

/** Features of a run: the probe's per-function calls and outcomes (`fns`) and the trace's. */
export class Features {
  readonly out: string[] = [];
  fn(i: number, calls: number, outcomes: ReadonlyMap<string, number>): void {
    this.out.push(`f${i}`, `f${i}#${bucket(calls)}`);
    for (const o of outcomes.keys()) this.out.push(`f${i}=${o}`);
  }
  trace(s: Scenario, t: Trace): void {
    let prev = 'start';
    s.steps.forEach((step, k) => {
      const o = t.steps[k]!;
      const c = o.counters;
      const pool = `${c.free === 0 ? 'F' : ''}${c.free === c.rsvd ? 'R' : ''}${c.surp > 0 ? 'S' : ''}${c.rsvd > 0 ? 'r' : ''}`;
      const here = `${step.op}:${o.result}`;
      this.out.push(here, `${here}|${pool}`, `${prev}>${here}`);
      prev = here;
    });
  }
}

/** One mutation of a genome. Positions and entries are chosen modulo what exists. */
interface Mutation {
  kind: number;
  pos: number;
  other: number;
  cmd: Command;
}

const MUTATION_KINDS = 6;

function mutate(g: Genome, ms: readonly Mutation[], corpus: Corpus, setupFor: (m: Mutation) => Genome['setup'], maxCommands: number): Genome {
  let cmds = [...g.cmds];
  let setup = g.setup;
  for (const m of ms) {
    const n = cmds.length;
    const at = n ? m.pos % n : 0;
    switch (m.kind % MUTATION_KINDS) {
      case 0: // delete a command
        if (n) cmds.splice(at, 1);
        break;
      case 1: // insert a fresh command
        cmds.splice(m.pos % (n + 1), 0, m.cmd);
        break;
      case 2: // duplicate a command in place (a second touch, a second mmap of the same kind)
        if (n) cmds.splice(at, 0, cmds[at]!);
        break;
      case 3: // change a command's arguments: a fresh command of the same kind where one exists
        if (n) cmds[at] = m.cmd.k === cmds[at]!.k ? m.cmd : ({ ...cmds[at]!, ...sameKindArgs(cmds[at]!, m.cmd) } as Command);
        break;
      case 4: { // splice: this entry's prefix, another entry's suffix
        const other = corpus.entries[m.other % corpus.entries.length]!;
        const cut = other.cmds.length ? m.other % other.cmds.length : 0;
        cmds = [...cmds.slice(0, n ? at + 1 : 0), ...other.cmds.slice(cut)];
        break;
      }
      default: // a new setup
        setup = setupFor(m);
    }
  }
  return { setup, cmds: cmds.slice(0, maxCommands) };
}

/** The selector and size arguments of `fresh` carried into `old` (its kind and flags kept). */
function sameKindArgs(old: Command, fresh: Command): Partial<Command> {
  const out: Record<string, unknown> = {};
  const f = fresh as unknown as Record<string, unknown>;
  for (const k of Object.keys(old)) if (k !== 'k' && typeof f[k] === typeof (old as unknown as Record<string, unknown>)[k]) out[k] = f[k];
  return out as Partial<Command>;
}

/**
 * Scenarios for a guided search: half fresh (as the options say), half mutated from the corpus once it has
 * entries; a mutated scenario starts from a priority entry half the time when there are any.
 */
export function guidedArbitrary(corpus: Corpus, opts: GeneratorOptions = {}): fc.Arbitrary<Drawn> {
  const fresh = drawnArbitrary(opts);
  const maxCommands = opts.maxCommands ?? 50;
  const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.nat(MUTATION_KINDS - 1), pos: fc.nat(1000), other: fc.nat(100_000), cmd: commandArbitrary(opts.weights ?? DEFAULT_WEIGHTS) });
  const mutated = fc.tuple(fc.nat(100_000), fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), setupArbitrary).map(([k, fromPriority, ms, setup]): Drawn => {
    const from = fromPriority && corpus.priority.length ? corpus.priority : corpus.entries;
    const parent = from[k % from.length]!;
    const genome = mutate(parent, ms, corpus, () => setup, maxCommands);
    return { genome, scenario: resolve(genome.setup, genome.cmds) };
  });
  return fc.nat(1).chain((b) => (b === 1 && corpus.entries.length ? mutated : fresh));
}
