/** A scenario as JSON with one step per line: readable in a terminal, a mail or a file. */
import type { Scenario } from '../scenario/types';

export function formatScenario(s: Scenario): string {
  const { steps, ...head } = s;
  const top = JSON.stringify(head, null, 2).slice(0, -2);
  const body = steps.map((st) => `    ${JSON.stringify(st)}`).join(',\n');
  return `${top},\n  "steps": [\n${body}\n  ]\n}`;
}
