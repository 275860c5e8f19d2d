/**
 * What every section of the bench shares: the command line (--quick, --only), the figures and how
 * they are printed or sent from a child process, medians and rates, and child processes.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';

export const argv = process.argv.slice(2);
export const quick = argv.includes('--quick');
export const onlyArg = argv.indexOf('--only');
export const only = onlyArg >= 0 ? new Set(argv[onlyArg + 1]!.split(',')) : undefined;
export const want = (s: string) => !only || only.has(s);
export const ROUNDS = quick ? 3 : 5;
export const SEEDS = quick ? 5 : 20;

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  runs?: number[];
  target?: string;
  met?: boolean;
  note?: string;
  /** When it was measured (a run with --only keeps the other sections' figures). */
  date?: string;
}
export const figures: Figure[] = [];
/** Commands per scenario of the check section's scenarios/s (the target's unit). */
export const CHECK_COMMANDS = 20;
/** The sections in the order they run and are written. */
export const SECTIONS = ['kernel', 'model', 'check', 'bugs', 'explore', 'memory'];
export const rows: Array<Record<string, unknown>> = [];

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
export async function secondsAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
/** Median of `ROUNDS` rates after one warm-up: `work / seconds`. */
export function rate(work: number, fn: () => void): { value: number; runs: number[] } {
  fn();
  const runs = Array.from({ length: ROUNDS }, () => work / seconds(fn));
  return { value: median(runs), runs };
}
/** Set in a child process that runs a whole section (`--child section:NAME`): its figures go to
 *  stdout as JSON lines for the parent to put. */
let figuresToParent = false;
export function sendFiguresToParent(): void {
  figuresToParent = true;
}
export function put(f: Figure): void {
  if (figuresToParent) {
    process.stdout.write(`FIGURE ${JSON.stringify(f)}\n`);
    return;
  }
  figures.push(f);
  const target = f.target ? `  target ${f.target}: ${f.met ? 'met' : 'NOT met'}` : '';
  console.log(`  ${f.name.padEnd(46)} ${fmt(f.value, f.value < 10 ? 2 : 0).padStart(12)} ${f.unit}${target}${f.note ? `  (${f.note})` : ''}`);
}

/** Runs a part of the bench in a fresh process (`--child KIND`): its last output line, parsed. */
export function childOutput(kind: string): string {
  const r = spawnSync(process.execPath, [join(__dirname, 'main.js'), '--child', kind, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${kind} failed: ${r.stderr}`);
  return r.stdout;
}
export function childJson<T>(kind: string): T {
  return JSON.parse(childOutput(kind).trim().split('\n').pop()!) as T;
}
export const child = (kind: string) => childJson<{ ms: number; maxRssMiB: number; detail: string }>(kind);

/** Runs a section in a fresh process and puts the figures it prints. */
export function sectionInChild(name: string): void {
  for (const line of childOutput(`section:${name}`).replace(/\n$/, '').split('\n')) {
    if (line.startsWith('FIGURE ')) put(JSON.parse(line.slice(7)) as Figure);
    else console.log(line);
  }
}
