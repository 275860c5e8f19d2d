/**
 * `npm run bench`: how fast hugecheck finds bugs, in one table, written also to bench/results.json.
 * Every figure is the median of several runs (the runs are kept in the JSON). Sections:
 *  model     steps/s: the step function alone, with observations, with every invariant judged;
 *            dispatch with a switch against ts-pattern
 *  check     scenarios/s through checkProperty (generate, run, judge), and with 2 workers
 *  bugs      for every zoo, seed and mutant policy that breaks an invariant: median time to the
 *            first failure over 20 seeds, the length check ends at, explore's shortest, the ratio
 *  explore   distinct states/s of the default exploration (1 and 2 workers)
 *  memory    peak RSS of a 1,000,000-run check and of the default exploration (child processes)
 *  kernel    steps/s and scenarios/s on the real kernel (root and hugetlbfs only)
 * `npm run bench -- --quick` runs fewer rounds, 5 seeds and a 100,000-run memory check.
 * `npm run bench -- --only model,check` runs some sections (the others keep their figures in results.json).
 * One file per section under bench/sections/; what they share is bench/common.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { cpus, release, totalmem } from 'os';
import { join } from 'path';
import { BENCH_FORMAT, TOOL } from '../formats';
import { ROOT } from '../io/root';
import { argv, figures, fmt, only, quick, ROUNDS, rows, sectionInChild, SECTIONS, sendFiguresToParent, want, type Figure } from './common';
import { bugsSection } from './sections/bugs';
import { checkRateChild, checkSection } from './sections/check';
import { exploreSection } from './sections/explore';
import { kernelSection } from './sections/kernel';
import { memoryChild, memorySection } from './sections/memory';
import { modelSection } from './sections/model';

function versions() {
  const v = (p: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'absent';
    }
  };
  return { node: process.version, hugecheck: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, typescript: v('typescript'), 'fast-check': v('fast-check'), 'ts-pattern': v('ts-pattern') };
}

/** A child process (`--child KIND`): a section whose figures go to the parent, or one timed run. */
async function runChild(kind: string): Promise<void> {
  if (kind === 'section:model') {
    sendFiguresToParent();
    modelSection();
  } else if (kind === 'check-rate') checkRateChild();
  else memoryChild(kind);
}

async function main(): Promise<void> {
  const childArg = argv.indexOf('--child');
  if (childArg >= 0) return runChild(argv[childArg + 1]!);
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), ...versions() };
  console.log(`hugecheck benchmark${quick ? ' (--quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}`);
  console.log(`  node ${machine.node}, hugecheck ${machine.hugecheck}, typescript ${machine.typescript}, fast-check ${machine['fast-check']}, ts-pattern ${machine['ts-pattern']}; medians of ${ROUNDS} runs after a warm-up unless said`);
  const started = Date.now();
  // The kernel first: it waits on system calls, and a heap grown by the other sections slows it.
  if (want('kernel')) await kernelSection();
  // The model section runs in a fresh process: the kernel section's heap (and any section's
  // long-lived objects) make V8 pretenure the step function's short-lived objects, which cost it
  // up to a fifth in this process only.
  if (want('model')) sectionInChild('model');
  if (want('check')) await checkSection();
  if (want('bugs')) bugsSection();
  if (want('explore')) await exploreSection();
  if (want('memory')) memorySection();
  const missed = figures.filter((f) => f.met === false);
  console.log(`\n${figures.filter((f) => f.target).length - missed.length} of ${figures.filter((f) => f.target).length} targets met${missed.length ? `; not met: ${missed.map((f) => `${f.section} ${f.name}`).join('; ')}` : ''} (${fmt((Date.now() - started) / 1000, 0)} s)`);
  const out = join(ROOT, 'bench', 'results.json');
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  const date = new Date().toISOString();
  for (const f of figures) f.date = date;
  // With --only, the other sections' figures (and the bugs table, unless bugs ran) stay as they
  // were, each with the date it was measured.
  // A --quick run and a full one are not mixed: then only this run's figures are written.
  const prior = only && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { date?: string; quick?: boolean; figures?: Figure[]; bugs?: unknown[] }) : undefined;
  const old = prior && prior.quick === quick ? prior : undefined;
  const kept = (old?.figures ?? []).filter((f) => !want(f.section)).map((f) => ({ ...f, date: f.date ?? old?.date }));
  const bugs = old && !want('bugs') ? (old.bugs ?? []) : rows;
  const order = (f: Figure) => SECTIONS.indexOf(f.section);
  const all = [...kept, ...figures].sort((a, b) => order(a) - order(b)); // stable: each section's own order stays
  writeFileSync(out, JSON.stringify({ format: BENCH_FORMAT, tool: TOOL, date, quick, machine, figures: all, bugs }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
