/**
 * `npm run mutation:score`: the mutation score of model/ after triage. Reads Stryker's report
 * (`.mutation/mutation.json`, from `npm run mutation`) and the triage kept in the repository
 * (`bench/mutation-triage.json`: for a surviving mutant, why it is equivalent), and prints per file
 * the mutants, killed (by the check or by Stryker's time limit), survived, equivalent, and the score
 * killed / (mutants - equivalent); then every survivor not triaged as equivalent (a gap), and triage
 * entries that match no survivor any more (stale).
 *
 * A triage entry names a mutant by what it is, not by Stryker's id (which changes with every run):
 * its file, its mutator, the source text it replaces, the replacement, and `nth`, the index among the
 * mutants of that file with the same three (in source order). `--markdown` prints the tables for
 * docs/mutation.md.
 *
 *   npm run mutation:score [-- --markdown] [-- --report FILE]
 */
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { arg, argv } from './args';

const ROOT = resolve(__dirname, '..', '..');

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
export interface MutationReport {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

export interface TriageEntry {
  file: string;
  /** The kernel function (or helper) the mutant is in, for people. */
  fn: string;
  mutator: string;
  original: string;
  replacement: string;
  nth: number;
  /** equivalent: no behaviour of linux-fixed the check can see changes (counted out of the score);
   *  gap: the check could see it and does not (counted as a survivor, with why). */
  verdict: 'equivalent' | 'gap';
  reason: string;
}

/** The source text a mutant replaces (1-based lines and columns). */
export function originalText(source: string, m: ReportMutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1]!.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1]!.slice(0, end.column - 1)].join('\n');
}

/** The function a line lies in: the nearest kernel function or named function above it. */
export function enclosingFunction(source: string, line: number): string {
  const lines = source.split('\n');
  for (let i = line - 1; i >= 0; i--) {
    const m = /^\s{2}(\w+)\(this: Kernel/.exec(lines[i]!) ?? /^(?:export )?function (\w+)/.exec(lines[i]!);
    if (m) return m[1]!;
  }
  return '(module)';
}

export interface Identified {
  file: string;
  m: ReportMutant;
  fn: string;
  original: string;
  replacement: string;
  nth: number;
  key: string;
}

const keyOf = (file: string, mutator: string, original: string, replacement: string, nth: number) => JSON.stringify([file, mutator, original, replacement, nth]);

/** Every mutant of the report with its stable identity. */
export function identify(report: MutationReport): Identified[] {
  const out: Identified[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    const seen = new Map<string, number>();
    const sorted = [...f.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column || Number(a.id) - Number(b.id));
    for (const m of sorted) {
      const original = originalText(f.source, m);
      const replacement = m.replacement ?? '';
      const k0 = JSON.stringify([m.mutatorName, original, replacement]);
      const nth = seen.get(k0) ?? 0;
      seen.set(k0, nth + 1);
      out.push({ file, m, fn: enclosingFunction(f.source, m.location.start.line), original, replacement, nth, key: keyOf(file, m.mutatorName, original, replacement, nth) });
    }
  }
  return out;
}

export const KILLED = new Set(['Killed', 'Timeout']);
export const SURVIVED = new Set(['Survived', 'NoCoverage']);

export function loadTriage(file = join(ROOT, 'bench', 'mutation-triage.json')): TriageEntry[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: TriageEntry[] }).entries;
}

export function score(report: MutationReport, triage: TriageEntry[]) {
  const triaged = new Map(triage.map((t) => [keyOf(t.file, t.mutator, t.original, t.replacement, t.nth), t]));
  const all = identify(report);
  const rows = new Map<string, { mutants: number; killed: number; timeout: number; survived: number; equivalent: number }>();
  const gaps: Array<Identified & { reason?: string }> = [];
  const used = new Set<string>();
  for (const x of all) {
    const r = rows.get(x.file) ?? { mutants: 0, killed: 0, timeout: 0, survived: 0, equivalent: 0 };
    rows.set(x.file, r);
    r.mutants++;
    if (x.m.status === 'Killed') r.killed++;
    else if (x.m.status === 'Timeout') r.timeout++;
    else if (SURVIVED.has(x.m.status)) {
      const t = triaged.get(x.key);
      if (t) used.add(x.key);
      if (t?.verdict === 'equivalent') r.equivalent++;
      else {
        r.survived++;
        gaps.push({ ...x, ...(t ? { reason: t.reason } : {}) });
      }
    }
  }
  const stale = triage.filter((t) => !used.has(keyOf(t.file, t.mutator, t.original, t.replacement, t.nth)));
  return { rows, gaps, stale };
}

const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}%` : '-');

function main(): void {
  const report = JSON.parse(readFileSync(resolve(arg('--report') ?? join(ROOT, '.mutation', 'mutation.json')), 'utf8')) as MutationReport;
  const { rows, gaps, stale } = score(report, loadTriage());
  const md = argv.includes('--markdown');
  const table: string[][] = [['file', 'mutants', 'killed', 'timeout', 'equivalent', 'survived', 'score']];
  const total = { mutants: 0, killed: 0, timeout: 0, survived: 0, equivalent: 0 };
  for (const [file, r] of [...rows].sort()) {
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
    table.push([`\`${file}\``, String(r.mutants), String(r.killed), String(r.timeout), String(r.equivalent), String(r.survived), pct(r.killed + r.timeout, r.mutants - r.equivalent)]);
  }
  table.push(['all', String(total.mutants), String(total.killed), String(total.timeout), String(total.equivalent), String(total.survived), pct(total.killed + total.timeout, total.mutants - total.equivalent)]);
  if (md) {
    console.log(`| ${table[0]!.join(' | ')} |\n|${table[0]!.map(() => '---').join('|')}|`);
    for (const r of table.slice(1)) console.log(`| ${r.join(' | ')} |`);
    console.log(`\nSurvivors that are not equivalent (${gaps.length}):\n`);
    console.log('| file | function | line | mutator | replaces | with | why the check misses it |\n|---|---|---|---|---|---|---|');
    const cell = (t: string, n: number) => `\`${t.replace(/\s+/g, ' ').slice(0, n).replace(/\|/g, '\\|')}\``;
    for (const g of gaps) console.log(`| \`${g.file}\` | \`${g.fn}\` | ${g.m.location.start.line} | ${g.m.mutatorName} | ${cell(g.original, 60)} | ${cell(g.replacement, 40)} | ${g.reason ?? 'not triaged'} |`);
  } else {
    const w = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table) console.log(r.map((x, c) => (c ? x.padStart(w[c]!) : x.padEnd(w[c]!))).join('  '));
    console.log(`\nscore = (killed + timeout) / (mutants - equivalent). ${gaps.length} survivors are not equivalent (${gaps.filter((g) => !g.reason).length} not triaged):`);
    for (const g of gaps) console.log(`  ${g.file}:${g.m.location.start.line} ${g.fn} ${g.m.mutatorName} ${JSON.stringify(g.original).slice(0, 60)} -> ${JSON.stringify(g.replacement).slice(0, 40)}: ${g.reason ?? 'NOT TRIAGED'}`);
  }
  if (stale.length) {
    console.log(`\n${stale.length} triage entries match no survivor (the code changed, or the mutant is now killed):`);
    for (const t of stale) console.log(`  ${t.file} ${t.fn} ${t.mutator} ${JSON.stringify(t.original).slice(0, 60)} -> ${JSON.stringify(t.replacement).slice(0, 40)}`);
  }
}

if (require.main === module) main();
