/**
 * `npm run campaign`: how well each generator finds bugs, by hand (it takes tens of minutes; CI
 * does not run it). For every policy that breaks an invariant — the bug zoo (the generator's weights
 * were tuned on it), the seeds' proposals, the mutants, and the held-out bugs of bench/holdout/
 * (historical bugs the generator was never tuned on, written as user policy modules) — and for
 * every generator (classic, swarm, guided), it runs `check`'s search (the catalogue's searches
 * interleaved as a one-thread check runs them, bench/first-failure.ts, the default budget per
 * property) under seeds 1..N and records whether a violation
 * no known bug explains was found, and how long it took to find it (no shrinking).
 *
 *   npm run campaign [-- --seeds N] [-- --only holdout,zoo] [-- --generators swarm,guided]
 *
 * Prints one table and writes bench/campaign.json.
 */
import { readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { GENERATOR_KINDS, type GeneratorKind } from '../generator/arbitrary';
import { POLICIES } from '../model/policies';
import type { Policy } from '../model/policy';
import { DEFAULT_RUNS } from '../checker/check';
import { timeToFirstFailure } from './first-failure';
import { arg } from './args';

const SEEDS = Number(arg('--seeds') ?? 20);
const RUNS = Number(arg('--runs') ?? DEFAULT_RUNS);
const groups = new Set((arg('--only') ?? 'holdout,zoo,seed,mutant').split(','));
const generators = (arg('--generators')?.split(',') ?? [...GENERATOR_KINDS]) as GeneratorKind[];
for (const g of generators) if (!GENERATOR_KINDS.includes(g)) throw new Error(`unknown generator ${g}`);

/** The held-out bugs: bench/holdout/*.ts, compiled next to this file. */
function holdout(): Policy[] {
  const dir = join(__dirname, 'holdout');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  } catch {
    return [];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return files.map((f) => (require(join(dir, f)) as { default: Policy }).default);
}

function group(p: Policy): string {
  if (p.name.startsWith('holdout/')) return 'holdout';
  if (p.name.startsWith('bug/')) return 'zoo';
  if (p.name.startsWith('mutant/')) return 'mutant';
  return 'seed';
}

const builtIn = [...POLICIES.values()].filter((p) => !p.name.startsWith('fix/') && p.name !== 'linux' && p.name !== 'linux-fixed');
const policies = [...holdout(), ...builtIn].filter((p) => groups.has(group(p)));

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  policy: string;
  group: string;
  generator: GeneratorKind;
  caught: number;
  seeds: number;
  medianMs: number | null;
  invariants: string[];
}

const rows: Row[] = [];
console.log(`campaign: ${policies.length} policies, generators ${generators.join(', ')}, seeds 1..${SEEDS}, ${RUNS} runs per property`);
console.log(`  ${'policy'.padEnd(46)} ${generators.map((g) => `${g} caught  median`.padStart(24)).join('')}`);
const started = Date.now();
for (const p of policies) {
  const cells: string[] = [];
  for (const generator of generators) {
    const times: number[] = [];
    const invariants = new Set<string>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const f = timeToFirstFailure(p, seed, { runs: RUNS, generator });
      if (f.invariant) {
        times.push(f.ms);
        invariants.add(f.invariant);
      }
    }
    const m = median(times);
    rows.push({ policy: p.name, group: group(p), generator, caught: times.length, seeds: SEEDS, medianMs: Number.isNaN(m) ? null : Math.round(m), invariants: [...invariants].sort() });
    cells.push(`${`${times.length}/${SEEDS}`.padStart(10)} ${(Number.isNaN(m) ? '-' : `${Math.round(m)} ms`).padStart(13)}`);
  }
  console.log(`  ${p.name.padEnd(46)} ${cells.join('')}`);
}

console.log('\nper group: policies caught under at least one seed / policies; seeds caught / seeds run');
for (const g of ['holdout', 'zoo', 'seed', 'mutant'].filter((x) => groups.has(x))) {
  const line = generators.map((gen) => {
    const rs = rows.filter((r) => r.group === g && r.generator === gen);
    const any = rs.filter((r) => r.caught > 0).length;
    const seeds = rs.reduce((n, r) => n + r.caught, 0);
    return `${gen} ${any}/${rs.length} policies, ${seeds}/${rs.length * SEEDS} seeds`;
  });
  console.log(`  ${g.padEnd(8)} ${line.join('   ')}`);
}
const out = join(__dirname, '..', '..', 'bench', 'campaign.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), seeds: SEEDS, runs: RUNS, generators, seconds: Math.round((Date.now() - started) / 1000), rows }, null, 2) + '\n');
console.log(`\nwrote ${out} (${Math.round((Date.now() - started) / 1000)} s)`);
