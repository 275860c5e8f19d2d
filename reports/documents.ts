/**
 * The report documents of the three things hugecheck reports on: a scenario, a check result
 * (hugecheck.report/1) and a zoo result (hugecheck.zoo/1). `hugecheck report` builds them from files,
 * `check --out` and `zoo --out` from the run in hand; each case comes with the base name its files
 * get under `--out`.
 */
import { describeLabel, isExplained } from '../checker/label';
import type { Policy } from '../model/policy';
import type { Scenario } from '../scenario/types';
import { buildCase, slug } from './case';
import type { ReportDocument } from './document';
import type { CheckReport, ZooReport } from '../formats';

export interface Built {
  doc: ReportDocument;
  /** File base name of each case. */
  bases: string[];
}

/** What a check document reads of a report (formats/check-report.ts). */
export type CheckReportData = Pick<CheckReport, 'policy' | 'seed' | 'runs' | 'properties'>;
/** What a zoo document reads of a zoo result (formats/zoo-report.ts). */
export type ZooData = Pick<ZooReport, 'runs' | 'seed' | 'bugs'>;

export function scenarioDocument(scenario: Scenario, policy: Policy, policyArg: string, file: string): Built {
  const c = buildCase({ heading: scenario.name, scenario, policy, file, policyArg });
  return { doc: { title: `${scenario.name} on ${policy.name}`, subtitle: `hugecheck report ${file} --policy ${policyArg}`, cases: [c] }, bases: [slug(scenario.name)] };
}

export function checkDocument(r: CheckReportData, policy: Policy, policyArg: string): Built {
  const bases: string[] = [];
  const cases = r.properties.flatMap((p) =>
    p.violations.map((v, i) => {
      const base = `${p.id}${p.violations.length > 1 ? `-${i + 1}` : ''}`;
      bases.push(base);
      return buildCase({
        heading: isExplained(v) ? `${p.id}: ${describeLabel(v)}` : `${p.id}: VIOLATED`,
        scenario: v.counterexample,
        policy,
        policyArg,
        file: `${base}.json`,
        searchReplay: v.replay ?? `hugecheck check --policy ${policyArg} --seed ${r.seed} --runs ${r.runs} --property ${p.id}`,
      });
    }),
  );
  return {
    doc: {
      title: `hugecheck check: policy ${r.policy}`,
      subtitle: `seed ${r.seed}, ${r.runs} runs per property`,
      summary: r.properties.map((p) => ({
        property: p.id,
        status: p.status === 'held' ? 'held' : p.violations.every(isExplained) ? 'known' : 'violated',
        note: p.status === 'held' ? `held over ${r.runs} runs` : p.violations.map((v) => (isExplained(v) ? v.knownBugs!.join(' + ') : v.inseparable ? `not separable from ${v.inseparable.bugs.join(' + ')}` : 'unexplained')).join(', '),
      })),
      cases,
    },
    bases,
  };
}

export function zooDocument(z: ZooData, policyFor: (name: string) => Policy): Built {
  const bases: string[] = [];
  const cases = z.bugs.flatMap((b) =>
    (b.counterexamples ?? []).map((c) => {
      const base = slug(c.scenario.name);
      bases.push(base);
      return buildCase({
        heading: `${b.bug}: ${c.invariant}`,
        scenario: c.scenario,
        policy: policyFor(b.bug),
        file: `${base}.json`,
        searchReplay: `hugecheck check --policy ${b.bug} --seed ${z.seed} --runs ${z.runs} --property ${c.invariant}`,
      });
    }),
  );
  return {
    doc: {
      title: 'hugecheck zoo: historical bugs put back into the model',
      subtitle: `seed ${z.seed}, ${z.runs} runs per property`,
      summary: z.bugs.map((b) => ({ property: b.bug, status: b.caughtBy.length ? 'violated' : 'held', note: b.caughtBy.length ? `caught by ${b.caughtBy.join(', ')}` : 'NOT CAUGHT' })),
      cases,
    },
    bases,
  };
}
