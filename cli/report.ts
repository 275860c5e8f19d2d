/**
 * `hugecheck report FILE --format md|html`: a report for a scenario (run on `--policy`), a check
 * result (`hugecheck check --json`, hugecheck.report/1) or a zoo result (`hugecheck zoo --json`,
 * hugecheck.zoo/1): Markdown for a mail or an issue, or one self-contained HTML file.
 */
import { readFileSync } from 'fs';
import { KNOWN_BUGS } from '../model/policies/known-bugs';
import { buildCase } from '../reports/artifacts';
import type { ReportDocument } from '../reports/document';
import { renderHtml } from '../reports/html';
import { renderMarkdown } from '../reports/markdown';
import { ScenarioError, validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/types';
import { UsageError } from './errors';
import { loadPolicy } from './load';
import type { Io } from './main';

export function reportCommand(file: string, opts: { format: string; policy?: string }, io: Io): number {
  if (opts.format !== 'md' && opts.format !== 'html') throw new UsageError(`--format must be md or html, got "${opts.format}"`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  const doc = documentFor(file, data, opts.policy);
  io.out(opts.format === 'md' ? renderMarkdown(doc) : renderHtml(doc));
  return 0;
}

function scenarioOf(file: string, where: string, data: unknown): Scenario {
  try {
    return validateScenario(data);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`${file}: ${where}: ${e.message}`);
    throw e;
  }
}

/** The report document of any of the three inputs. */
export function documentFor(file: string, data: unknown, policyArg?: string): ReportDocument {
  const format = (data as { format?: unknown } | null)?.format;
  if (format === 'hugecheck.scenario/1') {
    const scenario = scenarioOf(file, 'scenario', data);
    const policy = loadPolicy(policyArg ?? 'linux');
    const c = buildCase({ heading: scenario.name, scenario, policy, file, policyArg: policyArg ?? 'linux' });
    return { title: `${scenario.name} on ${policy.name}`, subtitle: `hugecheck report ${file} --policy ${policyArg ?? 'linux'}`, cases: [c] };
  }
  if (format === 'hugecheck.report/1') {
    const r = data as { policy: string; seed: number; runs: number; properties: Array<{ id: string; status: string; violations: Array<{ knownBug?: string; counterexample: unknown; replay?: string }> }> };
    if (!Array.isArray(r.properties)) throw new UsageError(`${file}: a hugecheck.report/1 needs "properties"`);
    const policy = loadPolicy(policyArg ?? r.policy);
    const cases = r.properties.flatMap((p) =>
      p.violations.map((v, i) => {
        const scenario = scenarioOf(file, `properties.${p.id}.violations[${i}].counterexample`, v.counterexample);
        const bug = KNOWN_BUGS.find((b) => b.id === v.knownBug);
        return buildCase({
          heading: bug ? `${p.id}: known kernel bug ${bug.id}` : `${p.id}: VIOLATED`,
          scenario,
          policy,
          policyArg: policyArg ?? r.policy,
          searchReplay: v.replay ?? `hugecheck check --policy ${policyArg ?? r.policy} --seed ${r.seed} --runs ${r.runs} --property ${p.id}`,
        });
      }),
    );
    return {
      title: `hugecheck check: policy ${r.policy}`,
      subtitle: `seed ${r.seed}, ${r.runs} runs per property`,
      summary: r.properties.map((p) => ({
        property: p.id,
        status: p.status === 'held' ? 'held' : p.violations.every((v) => v.knownBug) ? 'known' : 'violated',
        note: p.status === 'held' ? `held over ${r.runs} runs` : p.violations.map((v) => v.knownBug ?? 'unexplained').join(', '),
      })),
      cases,
    };
  }
  if (format === 'hugecheck.zoo/1') {
    const z = data as { runs: number; seed: number; bugs: Array<{ bug: string; caughtBy: string[]; counterexamples?: Array<{ invariant: string; scenario: unknown }> }> };
    if (!Array.isArray(z.bugs)) throw new UsageError(`${file}: a hugecheck.zoo/1 needs "bugs"`);
    const cases = z.bugs.flatMap((b) =>
      (b.counterexamples ?? []).map((c, i) =>
        buildCase({
          heading: `${b.bug}: ${c.invariant}`,
          scenario: scenarioOf(file, `bugs.${b.bug}.counterexamples[${i}].scenario`, c.scenario),
          policy: loadPolicy(b.bug),
          searchReplay: `hugecheck check --policy ${b.bug} --seed ${z.seed} --runs ${z.runs} --property ${c.invariant}`,
        }),
      ),
    );
    return {
      title: 'hugecheck zoo: historical bugs put back into the model',
      subtitle: `seed ${z.seed}, ${z.runs} runs per property`,
      summary: z.bugs.map((b) => ({ property: b.bug, status: b.caughtBy.length ? 'violated' : 'held', note: b.caughtBy.length ? `caught by ${b.caughtBy.join(', ')}` : 'NOT CAUGHT' })),
      cases,
    };
  }
  throw new UsageError(`${file}: not a scenario, check report or zoo result (its "format" is ${JSON.stringify(format)}; expected hugecheck.scenario/1, hugecheck.report/1 or hugecheck.zoo/1)`);
}
