/** The invariant catalogue as text (`hugecheck invariants`) and as docs/invariants.md. */
import { CATALOGUE } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';
import { KNOWN_BUGS } from '../model/policies/known-bugs';

function exampleJson(inv: Invariant): string {
  const sc = { format: 'hugecheck.scenario/1', name: `${inv.id}-example`, setup: { nr_hugepages: 0, nr_overcommit_hugepages: 0, ...inv.example.setup }, steps: inv.example.steps };
  return JSON.stringify(sc, null, 2).replace(/\{\n\s+("op"[^}]*)\n\s+\}/g, (_m, body: string) => `{ ${body.replace(/\n\s+/g, ' ')} }`);
}

export function renderInvariantsText(): string {
  return CATALOGUE.map(
    (inv) =>
      `${inv.id} — ${inv.title}\n${wrap(inv.statement, 100, '  ')}\n  source: ${inv.source}\n  judges: ${inv.judge ? 'traces (model or kernel)' : ''}${inv.judge && inv.checkState ? ' and ' : ''}${inv.checkState ? 'the model\'s state' : ''}${inv.brokenBy ? `\n  broken by: --policy ${inv.brokenBy}` : ''}`,
  ).join('\n\n');
}

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && (indent + line + ' ' + w).length > width) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}

export function renderInvariantsMarkdown(): string {
  const lines: string[] = [
    '# The invariant catalogue',
    '',
    '<!-- Generated from properties/ by `npm run docs` (hugecheck invariants --markdown). Do not edit: a test fails when this file is stale. -->',
    '',
    'Each invariant is a predicate `hugecheck check` asserts after every step of generated scenarios. Most judge a scenario and its observed trace, so',
    'they judge a real-kernel trace the same way; `pool-conservation` and part of `subpool-bounds` also read the model\'s state.',
    'Each entry has a small scenario on which it holds and, where one exists, a policy that breaks it (`hugecheck check --policy NAME --property ID`).',
    '',
    '| id | title | judges |',
    '|---|---|---|',
    ...CATALOGUE.map((i) => `| [\`${i.id}\`](#${i.id}) | ${i.title} | ${[i.judge ? 'trace' : '', i.checkState ? 'model state' : ''].filter(Boolean).join(', ')} |`),
    '',
  ];
  for (const inv of CATALOGUE) {
    lines.push(`## ${inv.id}`, '', `**${inv.title}.** ${inv.statement}`, '', `Source: ${inv.source}.`, '');
    if (inv.brokenBy) lines.push(`Broken by: \`--policy ${inv.brokenBy}\`.`, '');
    lines.push('A scenario on which it holds:', '', '```json', exampleJson(inv), '```', '');
  }
  lines.push('## Known kernel bugs', '', 'Linux 6.18 breaks some invariants; the `linux` policy reproduces them and `hugecheck check` labels them:', '');
  for (const b of KNOWN_BUGS) lines.push(`- **\`${b.id}\`** — ${b.title}. ${b.explanation} (${b.reference})`);
  lines.push('');
  return lines.join('\n');
}
