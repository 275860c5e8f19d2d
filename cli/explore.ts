/**
 * `hugecheck explore`: every scenario of a small scope up to a depth, on the model, each invariant
 * checked at every step; either "no violation within scope" or a shortest counterexample per
 * violated invariant.
 */
import { explore, type LevelProgress } from '../explore/bfs';
import { exploreParallel } from '../explore/parallel';
import { defaultWorkers } from '../parallel/pool';
import { DEFAULT_DEPTH, DEFAULT_SCOPE, describeScope, EXPLORE_OP_HELP, EXPLORE_OPS, parseMountSpec, type ExploreOp, type Scope } from '../explore/scope';
import { CATALOGUE, findInvariant } from '../properties/catalogue';
import { formatScenario } from '../reports/scenario-json';
import { UsageError } from '../io/errors';
import { loadPolicy } from '../io/load';
import type { Io } from './io';
import { EXPLORE_FORMAT, TOOL, type ExploreDocument } from '../formats';

export interface ExploreCliOptions {
  policy: string;
  depth: string;
  procs?: string;
  maps?: string;
  pages?: string;
  pool?: string;
  overcommit?: string;
  ops?: string;
  files?: string;
  segs?: string;
  mount?: string[];
  listOps?: boolean;
  workers?: string;
  property?: string[];
  symmetry?: boolean;
  json?: boolean;
}

const num = (v: string, flag: string, min: number, max: number) => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${v}"`);
  return Number(v);
};

export function parseScope(o: ExploreCliOptions): Scope {
  const ops = o.ops === undefined ? DEFAULT_SCOPE.ops : o.ops.split(',').map((x) => x.trim());
  for (const op of ops) if (!(EXPLORE_OPS as readonly string[]).includes(op)) throw new UsageError(`--ops: unknown op "${op}" (known: ${EXPLORE_OPS.join(', ')})`);
  const mounts = (o.mount ?? []).map((text) => {
    try {
      return parseMountSpec(text);
    } catch (e) {
      throw new UsageError(`--mount: ${(e as Error).message}`);
    }
  });
  if (ops.includes('mount') && !mounts.length) throw new UsageError('--ops includes mount: say which mounts with --mount size=N,min_size=N (repeatable)');
  return {
    procs: o.procs !== undefined ? num(o.procs, '--procs', 1, 8) : DEFAULT_SCOPE.procs,
    maps: o.maps !== undefined ? num(o.maps, '--maps', 1, 8) : DEFAULT_SCOPE.maps,
    pages: o.pages !== undefined ? num(o.pages, '--pages', 1, 8) : DEFAULT_SCOPE.pages,
    pool: o.pool !== undefined ? num(o.pool, '--pool', 0, 64) : DEFAULT_SCOPE.pool,
    overcommit: o.overcommit !== undefined ? num(o.overcommit, '--overcommit', 0, 64) : DEFAULT_SCOPE.overcommit,
    files: o.files !== undefined ? num(o.files, '--files', 0, 8) : ops.includes('create') ? 1 : 0,
    segs: o.segs !== undefined ? num(o.segs, '--segs', 0, 8) : ops.includes('shmget') ? 1 : 0,
    mounts,
    ops: ops as ExploreOp[],
  };
}

export async function exploreCommand(o: ExploreCliOptions, io: Io): Promise<number> {
  if (o.listOps) {
    const w = Math.max(...EXPLORE_OPS.map((x) => x.length));
    for (const op of EXPLORE_OPS) io.out(`${op.padEnd(w)}  ${EXPLORE_OP_HELP[op]}${DEFAULT_SCOPE.ops.includes(op) ? ' (default)' : ''}\n`);
    return 0;
  }
  const policy = loadPolicy(o.policy);
  const depth = num(o.depth, '--depth', 0, 20);
  const scope = parseScope(o);
  const workers = o.workers !== undefined ? num(o.workers, '--workers', 1, 256) : defaultWorkers();
  const invariants = (o.property ?? []).length ? o.property!.map((id) => findInvariant(id) ?? fail(`unknown property "${id}" (known: ${CATALOGUE.map((i) => i.id).join(', ')})`)) : [...CATALOGUE];
  const options = {
    depth,
    scope,
    invariants,
    symmetry: o.symmetry !== false,
    onLevel: io.isTTY && !o.json ? (p: LevelProgress) => io.err(`\rdepth ${p.depth}/${depth}: ${p.edges} scenarios, ${p.distinct} distinct states, ${p.frontier} to expand\x1b[K`) : undefined,
  };
  const r = workers > 1 ? await exploreParallel(o.policy, policy, { ...options, workers }) : explore(policy, options);
  if (io.isTTY && !o.json) io.err('\r\x1b[K');
  const perSecond = Math.round((r.distinct / Math.max(1, r.ms)) * 1000);
  if (o.json) {
    io.out(
      JSON.stringify(
        {
          format: EXPLORE_FORMAT,
          tool: TOOL,
          policy: policy.name,
          depth,
          scope,
          symmetry: o.symmetry !== false,
          workers,
          explored: r.explored,
          distinct: r.distinct,
          depthReached: r.depthReached,
          ms: r.ms,
          violations: [...r.counterexamples].map(([id, c]) => ({ invariant: id, step: c.violation.step, message: c.violation.message, counterexample: { ...c.scenario, name: `${id}-shortest` } })),
        } satisfies ExploreDocument,
        null,
        2,
      ) + '\n',
    );
    return r.counterexamples.size ? 1 : 0;
  }
  io.out(`hugecheck explore: policy ${policy.name}, depth ${depth}, ${describeScope(scope)}${o.symmetry === false ? ', no symmetry reduction' : ''}\n`);
  io.out(`${r.explored} scenarios run, ${r.distinct} distinct states, depth ${r.depthReached} reached, ${(r.ms / 1000).toFixed(1)} s (${perSecond} distinct states/s, ${workers} worker${workers === 1 ? '' : 's'})\n\n`);
  if (!r.counterexamples.size) {
    io.out(`no violation within scope: no scenario of up to ${depth} steps in this scope breaks ${invariants.length === CATALOGUE.length ? 'any invariant' : invariants.map((i) => i.id).join(', ')}\n`);
    return 0;
  }
  for (const [id, c] of r.counterexamples) {
    io.out(`${id}: shortest counterexample, ${c.scenario.steps.length} step${c.scenario.steps.length === 1 ? '' : 's'} (none shorter exists in this scope)\n`);
    io.out(`  at ${c.violation.step === 'final' ? 'the teardown' : `step ${c.violation.step}`}: ${c.violation.message}\n`);
    io.out(formatScenario({ ...c.scenario, name: `${id}-shortest` }).replace(/^/gm, '    ') + '\n\n');
  }
  io.out(`${r.counterexamples.size} invariant${r.counterexamples.size === 1 ? '' : 's'} violated within scope\n`);
  return 1;
}

function fail(message: string): never {
  throw new UsageError(message);
}
