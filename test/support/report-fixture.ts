/** Report documents for the report tests: a real scenario file run on a named policy, as one case
 *  with the replay command and the scenario JSON. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { findPolicy } from '../../model/policies';
import type { ReportCase, ReportDocument } from '../../reports/document';
import { buildReadableTrace } from '../../reports/readable';
import { formatScenario } from '../../reports/scenario-json';
import type { Scenario } from '../../scenario/types';
import { parseScenarioText } from '../../scenario/validate';
import { ROOT } from './goldens';

export function loadScenario(file: string): Scenario {
  const path = join(ROOT, file);
  return parseScenarioText(readFileSync(path, 'utf8'), path);
}

export function scenarioCase(scenario: Scenario, policyName: string, extra: Partial<ReportCase> = {}): ReportCase {
  const policy = findPolicy(policyName);
  if (!policy) throw new Error(`no policy ${policyName}`);
  const trace = buildReadableTrace(scenario, policy, { labelKnownBugs: true });
  return {
    heading: `${trace.violations.map((v) => v.invariant).join(', ') || 'no violation'}: ${scenario.name} on ${policyName}`,
    trace,
    replay: [`hugecheck run ${scenario.name}.json --policy ${policyName}`],
    scenarioJson: formatScenario(scenario),
    ...extra,
  };
}

export function reportFor(cases: ReportCase[], title = 'hugecheck report'): ReportDocument {
  return { title, subtitle: 'hugecheck run (test fixture)', cases };
}

/** B12's scenario with names that need escaping everywhere: a pipe, backticks, HTML and Markdown. */
export const HOSTILE = { map: 'a|<b>*x*</b>', child: 'c`1<script>alert(1)</script>', name: 'B12 <i>&amp;</i> `|`' };

export function hostileScenario(): Scenario {
  const s = loadScenario('scenarios/zoo/B12-fork-cow-owner.json');
  const rename = (v: unknown) => (v === 'a' ? HOSTILE.map : v === 'p1' ? HOSTILE.child : v);
  return {
    ...s,
    name: HOSTILE.name,
    steps: s.steps.map((st) => Object.fromEntries(Object.entries(st).map(([k, v]) => [k, k === 'map' || k === 'proc' || k === 'child' ? rename(v) : v])) as typeof st),
  };
}
