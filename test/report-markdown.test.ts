/**
 * The Markdown report: every violation as one bold sentence, one table row per step with the counters
 * the step changed in bold and the violating steps marked, the fenced blocks (state, replay commands,
 * scenario JSON), the folded C and Jest files, escaping of names from user files, and stable bytes.
 */
import { describe, expect, test } from '@jest/globals';
import { mdText, renderMarkdown } from '../reports/markdown';
import { violationSentence, type ReadableTrace } from '../reports/readable';
import { formatScenario } from '../reports/scenario-json';
import type { Counters } from '../scenario/types';
import { HOSTILE, hostileScenario, loadScenario, reportFor, scenarioCase } from './support/report-fixture';

const KEYS: (keyof Counters)[] = ['total', 'free', 'rsvd', 'surp'];
const K3 = 'scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json';
const NEG = 'scenarios/golden/observed/4j-nonowner-cow-grandchild-negative-rsvd.json';

/** The cells of a Markdown table row, split at pipes that are not escaped. */
const cells = (row: string) => row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());

/** The step table of the case whose heading starts with `## n.`: the header and every body row. */
function stepTable(md: string, n: number): string[][] {
  const section = md.split(/^## /m).find((s) => s.startsWith(`${n}. `))!;
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| # | op |'));
  const rows: string[] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
  return rows.map(cells);
}

function fenced(md: string, lang: string): string[] {
  return [...md.matchAll(new RegExp(`^(\`{3,})${lang}\\n([\\s\\S]*?)\\n\\1$`, 'gm'))].map((m) => m[2]!);
}

function checkTable(md: string, n: number, t: ReadableTrace) {
  const [header, align, initial, ...rest] = stepTable(md, n);
  expect(header).toEqual(['#', 'op', 'result', 'value', 'Total', 'Free', 'Rsvd', 'Surp', 'kernel functions']);
  expect(align).toHaveLength(9);
  expect(initial!.slice(1, 2)).toEqual(['initial']);
  expect(initial!.slice(4, 8)).toEqual(KEYS.map((k) => String(t.initial[k])));
  const finalRow = rest.pop()!;
  expect(finalRow[1]).toBe('after teardown');
  // One row per step, in order, each with 9 cells.
  expect(rest).toHaveLength(t.steps.length);
  rest.forEach((row, i) => {
    const s = t.steps[i]!;
    expect(row).toHaveLength(9);
    // The index, marked when an invariant broke at this step.
    expect(row[0]).toBe(s.violations.length ? `**${s.index} ✗**` : String(s.index));
    expect(row[1]!.replace(/\\\|/g, '|')).toContain(s.op);
    expect(row[2]!.replace(/\*/g, '')).toBe(s.observation.result);
    expect(row[3]).toBe(s.observation.value === undefined ? '' : String(s.observation.value));
    // Counters: bold exactly when the step changed them.
    expect(row.slice(4, 8)).toEqual(KEYS.map((k) => (s.changed.includes(k) ? `**${s.observation.counters[k]}**` : String(s.observation.counters[k]))));
    if (s.calls.length) expect(row[8]).toContain(s.calls[0]!.fn);
    else expect(row[8]).toBe('');
  });
}

describe('the Markdown report', () => {
  const k3 = scenarioCase(loadScenario(K3), 'linux', { cRepro: 'int main(void) { return 0; }\n', jestTest: "test('k3', () => {});\n" });
  const neg = scenarioCase(loadScenario(NEG), 'linux');
  const doc = { ...reportFor([k3, neg], 'hugecheck check'), summary: [{ property: 'reserve-backed', status: 'known' as const, note: 'surplus-restore-release' }] };
  const md = renderMarkdown(doc);

  test('every violation is one bold sentence in a list', () => {
    expect(k3.trace.violations.map((v) => [v.invariant, v.step])).toEqual([
      ['reserve-backed', 5],
      ['shared-never-faults', 9],
    ]);
    for (const c of [k3, neg]) for (const v of c.trace.violations) expect(md).toContain(`\n- **${mdText(violationSentence(v))}**\n`);
    expect(md.match(/^- \*\*.*\*\*$/gm)).toHaveLength(k3.trace.violations.length + neg.trace.violations.length);
  });

  test('the step table has one row per step, changed counters in bold and the violating steps marked', () => {
    checkTable(md, 1, k3.trace);
    checkTable(md, 2, neg.trace);
    // Negative Rsvd shows as such.
    expect(stepTable(md, 2).some((r) => r[6] === '**-2**')).toBe(true);
    // The op's pipes are escaped for the table (MAP_PRIVATE|MAP_HUGETLB).
    expect(md).toContain('`p0: a = mmap(2 hp, MAP_PRIVATE\\|MAP_HUGETLB)`');
  });

  test('title, summary, state block, replay commands, scenario JSON and folded files', () => {
    expect(md.startsWith('# hugecheck check\n\n_hugecheck run (test fixture)_\n')).toBe(true);
    expect(md).toContain('| `reserve-backed` | violated by known kernel bugs only | surplus-restore-release |');
    const text = fenced(md, 'text');
    expect(text).toHaveLength(2);
    expect(text[0]).toContain('\nstep 8  p0: b = mmap(1 hp, MAP_SHARED, g)  → ok\n    p0  a [_] unmapped\n        b [R] shared file g\n');
    expect(text[0]).toContain('\nstep 9  p0: write b[0] = 2  → SIGBUS  ✗\n');
    expect(text[1]).toMatch(/^process tree:\n {2}p0 {2}\(initial process, lives to the teardown\)\n {4}p1 {2}\(forked at step 3, exits at step 9\)\n {6}p2 {2}\(forked at step 4, exits at step 7\)\n/);
    expect(fenced(md, 'sh')).toEqual([k3.replay.join('\n'), neg.replay.join('\n')]);
    const json = fenced(md, 'json');
    expect(json).toEqual([formatScenario(k3.trace.scenario), formatScenario(neg.trace.scenario)]);
    expect(JSON.parse(json[0]!).name).toBe('k3-min-size-surplus-restore');
    // C and Jest only where given, each inside <details>.
    expect(md.match(/<details>/g)).toHaveLength(2);
    expect(md).toContain('<details><summary>C reproducer</summary>\n\n```c\nint main(void) { return 0; }\n```\n\n</details>');
    expect(md).toContain("<details><summary>Jest regression test</summary>\n\n```ts\ntest('k3', () => {});\n```\n\n</details>");
  });

  test('names from user files are escaped and cannot break the table, the list or a fence', () => {
    const c = scenarioCase(hostileScenario(), 'bug/B12-fork-cow-owner', { scenarioJson: 'a\n```\nnot json', replay: ['echo ```'] });
    const out = renderMarkdown(reportFor([c], `<b>${HOSTILE.name}</b>`));
    expect(out.startsWith('# \\<b\\>B12 \\<i\\>\\&amp;\\</i\\> \\`\\|\\`\\</b\\>\n')).toBe(true);
    checkTable(out, 1, c.trace);
    // The sentence names the mapping; its HTML and emphasis are escaped.
    const v = c.trace.violations[0]!;
    expect(v.message).toContain(HOSTILE.map);
    expect(out).toContain(`- **${mdText(violationSentence(v))}**`);
    expect(mdText(violationSentence(v))).toContain('a\\|\\<b\\>\\*x\\*\\</b\\>');
    // A fence longer than any backtick run inside.
    expect(out).toContain('````json\na\n```\nnot json\n````');
    expect(out).toContain('````sh\necho ```\n````');
    // The child's name has a backtick: its code span uses a longer fence.
    expect(out).toContain(`\`\`p0: fork -> ${HOSTILE.child.replace(/\|/g, '\\|')}\`\``);
  });

  test('the same document gives the same bytes', () => {
    const again = renderMarkdown({ ...reportFor([scenarioCase(loadScenario(K3), 'linux', { cRepro: k3.cRepro!, jestTest: k3.jestTest! }), scenarioCase(loadScenario(NEG), 'linux')], 'hugecheck check'), summary: doc.summary });
    expect(again).toBe(md);
    expect(md.endsWith('\n')).toBe(true);
    expect(md.endsWith('\n\n')).toBe(false);
  });
});
