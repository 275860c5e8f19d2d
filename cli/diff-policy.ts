/**
 * `hugecheck diff-policy --policy A [--against linux]`: the minimal scenarios on which two policies'
 * traces differ, one per class of first difference (checker/diff-policy.ts), each as the run tables
 * of both policies side by side with the first differing step marked.
 */
import { randomInt } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import pc from 'picocolors';
import { diffPolicies, type FirstDifference, type PolicyDifference, type TraceView } from '../checker/diff-policy';
import { parseWeights, type Weights } from '../generator/commands';
import { formatRunTable, plainStyle, type Style } from '../reports/table';
import { formatScenario } from '../reports/scenario-json';
import { TRACE_FORMAT, type Mismatch, type Scenario } from '../scenario/types';
import { UsageError } from '../io/errors';
import { loadPolicy } from '../io/load';
import type { Io } from './io';
import { DIFF_POLICY_FORMAT, TOOL, type DiffPolicyDocument } from '../formats';

export interface DiffPolicyCliOptions {
  policy: string;
  against: string;
  runs: string;
  seed?: string;
  max: string;
  weights?: string;
  maxCommands?: string;
  save?: string;
  json?: boolean;
}

/** `--json` output (formats/diff.ts). */
export type { DiffPolicyDocument } from '../formats';

function wholeNumber(v: string, flag: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got "${v}"`);
  return Number(v);
}

const fileSafe = (name: string) => name.replace(/[^\w.-]+/g, '_');
const where = (d: FirstDifference) => (typeof d.step === 'number' ? `step ${d.step} (${d.op})` : d.step === 'final' ? 'the final observation (after teardown)' : 'the initial observation');
// eslint-disable-next-line no-control-regex
const visible = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '').length;

/**
 * The run table (reports/table.ts) of each policy, side by side: the policy's whole table, then the
 * other's result, value and counter columns; the first differing row marked with its field.
 */
export function sideBySideRunTables(s: Scenario, names: [string, string], d: PolicyDifference, style: Style = plainStyle, mark: (t: string) => string = (t) => t): string {
  const { difference: diff, traces } = d;
  // The differing cells, as mismatches, so that the table styles them as it styles a failed expect.
  const marked = (observed: unknown, expected: unknown): Mismatch[] => (typeof diff.step === 'number' ? [{ step: diff.step, field: diff.field, expected, observed }] : []);
  const table = (t: TraceView, runner: string, mismatches: Mismatch[]) =>
    formatRunTable(s, { format: TRACE_FORMAT, scenario: s.name, runner, ...t, mismatches }, style).split('\n');
  const left = table(traces.policy, names[0], marked(diff.policy, diff.against));
  const right = table(traces.against, names[1], marked(diff.against, diff.policy));
  const footnote = left.pop()!;
  right.pop();
  // Both tables have the same # and op columns (same scenario): the right one drops them.
  const dashes = left[1]!.split('  ');
  const cut = dashes[0]!.length + 2 + dashes[1]!.length + 2;
  const width = Math.max(...left.map(visible));
  const markedRow = diff.step === 'initial' ? 2 : diff.step === 'final' ? left.length - 1 : 3 + diff.step;
  const sep = ' | ';
  const title = `${' '.repeat(cut)}${names[0].padEnd(width - cut)}${sep}${names[1]}`;
  const lines = left.map((l, i) => {
    const line = `${l}${' '.repeat(width - visible(l))}${sep}${right[i]!.slice(cut)}`.trimEnd();
    return i === markedRow ? mark(`${line}  <-- ${diff.field}`) : line;
  });
  return [title.trimEnd(), ...lines, footnote].join('\n');
}

export function replayLine(o: { policy: string; against: string; seed: number; runs: number; max: number; weights?: string; maxCommands?: number }): string {
  return (
    `hugecheck diff-policy --policy ${o.policy} --against ${o.against} --seed ${o.seed} --runs ${o.runs}` +
    (o.max !== 5 ? ` --max ${o.max}` : '') +
    (o.weights ? ` --weights ${o.weights}` : '') +
    (o.maxCommands !== undefined ? ` --max-commands ${o.maxCommands}` : '')
  );
}

export function diffPolicyCommand(opts: DiffPolicyCliOptions, io: Io): number {
  const runs = wholeNumber(opts.runs, '--runs', 1);
  const seed = opts.seed !== undefined ? wholeNumber(opts.seed, '--seed', 0) : randomInt(0, 2 ** 31 - 1);
  const max = wholeNumber(opts.max, '--max', 1);
  const maxCommands = opts.maxCommands !== undefined ? wholeNumber(opts.maxCommands, '--max-commands', 1) : undefined;
  let weights: Weights | undefined;
  if (opts.weights !== undefined) {
    try {
      weights = parseWeights(opts.weights);
    } catch (e) {
      throw new UsageError(`--weights: ${(e as Error).message}`);
    }
  }
  const policy = loadPolicy(opts.policy);
  const against = loadPolicy(opts.against);
  const names: [string, string] = [policy.name, against.name];
  const replay = replayLine({ policy: opts.policy, against: opts.against, seed, runs, max, weights: opts.weights, maxCommands });
  const result = diffPolicies(policy, against, {
    runs, seed, max, weights, maxCommands,
    name: (k) => `${fileSafe(policy.name)}-vs-${fileSafe(against.name)}-${k}`,
  });

  const saved = new Map<PolicyDifference, string>();
  if (opts.save && result.differences.length) {
    mkdirSync(opts.save, { recursive: true });
    for (const d of result.differences) {
      const file = join(opts.save, `${d.scenario.name}.json`);
      const { format, name, setup, steps } = d.scenario;
      const description = `first difference at ${where(d.difference)}: ${d.difference.field} ${policy.name} ${JSON.stringify(d.difference.policy)}, ${against.name} ${JSON.stringify(d.difference.against)}; expect = what ${policy.name} does`;
      writeFileSync(file, formatScenario({ format, name, description, setup, steps }) + '\n');
      saved.set(d, file);
    }
  }

  if (opts.json) {
    const doc: DiffPolicyDocument = {
      format: DIFF_POLICY_FORMAT,
      tool: TOOL,
      policy: policy.name,
      against: against.name,
      seed,
      runs,
      max,
      settings: { ...(opts.weights ? { weights: opts.weights } : {}), ...(maxCommands !== undefined ? { maxCommands } : {}) },
      searches: result.searches,
      generated: result.runs,
      exhausted: result.exhausted,
      replay,
      differences: result.differences.map((d) => ({
        difference: d.difference, seed: d.seed, steps: d.scenario.steps.length, scenario: d.scenario, traces: d.traces,
        ...(saved.has(d) ? { saved: saved.get(d)! } : {}),
      })),
    };
    io.out(JSON.stringify(doc, null, 2) + '\n');
    return result.differences.length ? 1 : 0;
  }

  const style: Style = io.isTTY ? { changed: pc.yellow, bad: (t) => pc.red(pc.bold(t)), dim: pc.dim } : plainStyle;
  const mark = io.isTTY ? (t: string) => pc.bold(t) : undefined;
  const n = result.differences.length;
  io.out(`hugecheck diff-policy: ${policy.name} against ${against.name}, seed ${seed}, up to ${runs} scenarios per search, up to ${max} classes of difference\n`);
  if (!n) {
    io.out(`\nno difference: the traces agree on all ${result.runs} generated scenarios\n`);
    return 0;
  }
  result.differences.forEach((d, k) => {
    const x = d.difference;
    io.out(`\ndifference ${k + 1} of ${n} [${x.class}], ${d.scenario.steps.length} step${d.scenario.steps.length === 1 ? '' : 's'} after shrinking: at ${where(x)}, ${x.field}: ${policy.name} ${JSON.stringify(x.policy)}, ${against.name} ${JSON.stringify(x.against)}\n`);
    io.out(`setup: nr_hugepages ${d.scenario.setup.nr_hugepages}, nr_overcommit_hugepages ${d.scenario.setup.nr_overcommit_hugepages}\n\n`);
    io.out(sideBySideRunTables(d.scenario, names, d, style, mark) + '\n');
    const file = saved.get(d);
    if (file) io.out(`saved: ${file} (hugecheck run --policy ${opts.policy} ${file} holds; --policy ${opts.against} shows the difference)\n`);
    io.out(`replay: ${replay}\n`);
  });
  io.out(`\n${n} class${n === 1 ? '' : 'es'} of difference (${result.differences.map((d) => d.difference.class).join(', ')}) in ${result.runs} generated scenarios; ` +
    (result.exhausted ? `a further search of ${runs} scenarios found no other class\n` : `stopped at --max ${max}\n`));
  return 1;
}
