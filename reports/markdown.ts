/**
 * A report as Markdown, for a mail or a GitHub issue: the title, what produced it, the summary table,
 * then per case its violations (one bold sentence each), a step table (counters the step changed in
 * bold, the steps where an invariant broke marked ✗), the processes and their pages after each step
 * as a text block, the commands that reproduce it, the scenario, and the C reproducer and Jest test
 * folded in `<details>`. Names come from user files, so text is escaped; no timestamps.
 */
import type { Counters } from '../scenario/types';
import { callTree, formatCallTree } from './calls';
import type { ReportCase, ReportDocument, ReportSummaryRow } from './document';
import { violationSentence, type ProcessNode, type ReadableTrace } from './readable';
import { formatProcesses, PAGE_LEGEND } from './readable-text';

const KEYS: (keyof Counters)[] = ['total', 'free', 'rsvd', 'surp'];

/** Inline text with Markdown's special characters escaped (a backslash escapes any ASCII punctuation). */
export function mdText(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

const longestRun = (s: string, ch: string) => Math.max(0, ...(s.match(new RegExp(`${ch}+`, 'g')) ?? []).map((r) => r.length));

/** A code span that survives backticks in `s`; in a table cell (`cell`) pipes are escaped as GFM requires. */
export function mdCode(s: string, cell = false): string {
  const text = s.replace(/\r?\n/g, ' ');
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  const span = `${fence}${pad}${text}${pad}${fence}`;
  return cell ? span.replace(/\|/g, '\\|') : span;
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function mdFence(lang: string, body: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${lang}\n${body.replace(/\n+$/, '')}\n${fence}`;
}

const STATUS: Record<ReportSummaryRow['status'], string> = {
  held: 'held',
  known: 'violated by known kernel bugs only',
  violated: '**violated**',
};

function summaryTable(rows: ReportSummaryRow[]): string[] {
  return ['| property | status | note |', '|---|---|---|', ...rows.map((r) => `| ${mdCode(r.property, true)} | ${STATUS[r.status]} | ${mdText(r.note)} |`)];
}

function counterCells(c: Counters, changed: readonly (keyof Counters)[]): string[] {
  return KEYS.map((k) => (changed.includes(k) ? `**${c[k]}**` : String(c[k])));
}

/** One row per step, between an `initial` row and an `after teardown` row. */
export function stepTable(t: ReadableTrace): string[] {
  const rows = ['| # | op | result | value | Total | Free | Rsvd | Surp | kernel functions |', '|---:|---|---|---:|---:|---:|---:|---:|---|'];
  rows.push(`|  | initial |  |  | ${counterCells(t.initial, []).join(' | ')} |  |`);
  for (const s of t.steps) {
    const o = s.observation;
    const num = s.violations.length ? `**${s.index} ✗**` : String(s.index);
    const result = s.mismatches.some((m) => m.field === 'result') ? `**${o.result}**` : o.result;
    const calls = s.calls.length ? mdCode(formatCallTree(callTree(s.calls)), true) : '';
    rows.push(`| ${num} | ${mdCode(s.op, true)} | ${result} | ${o.value ?? ''} | ${counterCells(o.counters, s.changed).join(' | ')} | ${calls} |`);
  }
  const f = t.final;
  const calls = f.calls.length ? mdCode(formatCallTree(callTree(f.calls)), true) : '';
  rows.push(`| ${f.violations.length ? '**✗**' : ''} | after teardown |  |  | ${counterCells(f.observation.counters, f.changed).join(' | ')} | ${calls} |`);
  return rows;
}

function treeLines(n: ProcessNode, indent: string): string[] {
  const life = [n.forkedAt === null ? 'initial process' : `forked at step ${n.forkedAt}`, n.exitedAt === null ? 'lives to the teardown' : `exits at step ${n.exitedAt}`];
  return [`${indent}${n.name}  (${life.join(', ')})`, ...n.children.flatMap((c) => treeLines(c, `${indent}  `))];
}

/** The processes and their pages after each step, as plain text. */
export function stateBlock(t: ReadableTrace): string {
  const out: string[] = ['process tree:', ...treeLines(t.processTree, '  ')];
  for (const s of t.steps) {
    out.push('', `step ${s.index}  ${s.op}  → ${s.observation.result}${s.violations.length ? '  ✗' : ''}`);
    for (const [name, st] of Object.entries(s.observation.mounts)) if (st.blocks !== null) out.push(`    mount ${name}: blocks ${st.blocks}, bfree ${st.bfree}`);
    out.push(...formatProcesses(s.processes, '    '));
  }
  out.push('', PAGE_LEGEND);
  return out.join('\n');
}

function details(summary: string, lang: string, body: string): string[] {
  return [`<details><summary>${mdText(summary)}</summary>`, '', mdFence(lang, body), '', '</details>'];
}

function renderCase(c: ReportCase, n: number): string[] {
  const t = c.trace;
  const out: string[] = [`## ${n}. ${mdText(c.heading)}`, ''];
  const setup = `nr_hugepages ${t.scenario.setup.nr_hugepages}, nr_overcommit_hugepages ${t.scenario.setup.nr_overcommit_hugepages}`;
  out.push(`Scenario ${mdCode(t.scenario.name)} on model ${mdCode(t.policy)}; setup: ${setup}.`, '');
  if (t.violations.length) out.push(...t.violations.map((v) => `- **${mdText(violationSentence(v))}**`));
  else out.push('Every invariant held.');
  const mismatches = [...t.steps.flatMap((s) => s.mismatches)];
  if (mismatches.length) {
    out.push('', 'Expectations not met:', '');
    out.push(...mismatches.map((m) => `- step ${m.step}: ${mdText(m.field)} expected ${mdCode(JSON.stringify(m.expected))}, observed ${mdCode(JSON.stringify(m.observed))}`));
  }
  out.push('', ...stepTable(t), '', 'Bold: a counter the step changed. ✗: an invariant broke at this step.', '');
  out.push('### Processes and pages', '', mdFence('text', stateBlock(t)), '');
  out.push('### Reproduce', '', mdFence('sh', c.replay.join('\n')), '');
  out.push('### Scenario', '', mdFence('json', c.scenarioJson), '');
  if (c.cRepro !== undefined) out.push(...details('C reproducer', 'c', c.cRepro), '');
  if (c.jestTest !== undefined) out.push(...details('Jest regression test', 'ts', c.jestTest), '');
  return out;
}

export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${mdText(doc.title)}`, '', `_${mdText(doc.subtitle)}_`, ''];
  if (doc.summary?.length) out.push('## Summary', '', ...summaryTable(doc.summary), '');
  doc.cases.forEach((c, i) => out.push(...renderCase(c, i + 1)));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
