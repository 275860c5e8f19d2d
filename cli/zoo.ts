/**
 * `hugecheck zoo`: the checker against every bug of bug-zoo.md §1 put back into the model. A matrix:
 * the invariants that caught it, the time to the first failure, the minimal counterexample's length
 * next to the length of the bug's own scenario (scenarios/zoo/). Exit 0 when every bug is caught.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { checkProperty } from '../checker/check';
import { shortestSummary } from '../explore/shortest';
import { POLICIES } from '../model/policies';
import { CATALOGUE } from '../properties/catalogue';
import { parseScenarioText } from '../scenario/validate';
import { ROOT } from '../io/root';
import { writeArtifacts } from '../io/artifacts';
import { zooDocument } from '../reports/documents';
import { UsageError } from '../io/errors';
import type { Io } from './io';
import { TOOL, ZOO_FORMAT, type ZooReport, type ZooRow } from '../formats';

export type { ZooRow } from '../formats';

export function zooPolicies() {
  return [...POLICIES.values()].filter((p) => /^bug\/B\d+/.test(p.name));
}

function docScenarioSteps(bug: string): number | null {
  const dir = join(ROOT, 'scenarios', 'zoo');
  const id = bug.slice('bug/'.length);
  const f = readdirSync(dir).find((x) => x === `${id}.json`);
  return f ? parseScenarioText(readFileSync(join(dir, f), 'utf8'), f).steps.length : null;
}

export function runZoo(opts: { runs: number; seed: number }): ZooRow[] {
  return zooPolicies().map((policy) => {
    const t0 = Date.now();
    const row: ZooRow = { bug: policy.name, caughtBy: [], firstFailureMs: null, minimalSteps: null, docSteps: docScenarioSteps(policy.name), counterexamples: [] };
    for (const inv of CATALOGUE) {
      const r = checkProperty(policy, inv, { runs: opts.runs, seed: opts.seed, proveExplained: false });
      if (!r.unexpected) continue;
      row.caughtBy.push(inv.id);
      row.firstFailureMs ??= Date.now() - t0;
      for (const v of r.violations) {
        if (v.knownBugs) continue;
        row.minimalSteps = Math.min(row.minimalSteps ?? Infinity, v.counterexample.steps.length);
        row.counterexamples.push({ invariant: inv.id, scenario: { ...v.counterexample, name: `${policy.name.slice('bug/'.length)}-${inv.id}` }, ...(v.shortest ? { shortest: shortestSummary(v.shortest) } : {}) });
      }
    }
    return row;
  });
}

export async function zooCommand(opts: { runs: string; seed: string; json?: boolean; out?: string }, io: Io): Promise<number> {
  const num = (v: string, flag: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got "${v}"`);
    return Number(v);
  };
  const runs = num(opts.runs, '--runs', 1);
  const seed = num(opts.seed, '--seed', 0);
  const rows = runZoo({ runs, seed });
  const caught = rows.filter((r) => r.caughtBy.length > 0).length;
  let written: string[] = [];
  if (opts.out) {
    const { doc, bases } = zooDocument({ runs, seed, bugs: rows }, (name) => POLICIES.get(name)!);
    written = writeArtifacts(opts.out, doc, bases);
  }
  if (opts.json) {
    io.out(JSON.stringify({ format: ZOO_FORMAT, tool: TOOL, runs, seed, bugs: rows } satisfies ZooReport, null, 2) + '\n');
    return caught === rows.length ? 0 : 1;
  }
  const table = [['bug', 'caught by', 'first failure', 'minimal', 'doc scenario']];
  for (const r of rows) {
    table.push([
      r.bug,
      r.caughtBy.length ? r.caughtBy.join(', ') : 'NOT CAUGHT',
      r.firstFailureMs === null ? '-' : `${r.firstFailureMs} ms`,
      r.minimalSteps === null ? '-' : `${r.minimalSteps} steps`,
      r.docSteps === null ? '-' : `${r.docSteps} steps`,
    ]);
  }
  const w = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  io.out(`hugecheck zoo: ${rows.length} historical bugs put back into the model, ${runs} runs per property, seed ${seed}\n\n`);
  table.forEach((row, i) => {
    io.out(row.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd() + '\n');
    if (i === 0) io.out(w.map((n) => '-'.repeat(n)).join('  ') + '\n');
  });
  if (written.length) io.out(`\nwrote ${written.length} files to ${opts.out} (per counterexample: .json, .md, .html, .c, .test.ts; and report.md, report.html)\n`);
  io.out(`\n${caught} of ${rows.length} caught\n`);
  return caught === rows.length ? 0 : 1;
}
