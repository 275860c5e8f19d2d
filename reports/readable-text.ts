/** The readable trace as plain text: for a terminal (`hugecheck run --explain`) and inside the
 *  Markdown report. */
import type { Counters } from '../scenario/types';
import { callTree, formatCallTree } from './calls';
import { PAGE_SYMBOL, violationSentence, type ProcessView, type ReadableTrace } from './readable';

const KEYS: Array<[keyof Counters, string]> = [
  ['total', 'Total'],
  ['free', 'Free'],
  ['rsvd', 'Rsvd'],
  ['surp', 'Surp'],
];

export function formatCounters(c: Counters, changed: readonly (keyof Counters)[], prev?: Counters): string {
  return KEYS.map(([k, label]) => `${label} ${c[k]}${changed.includes(k) && prev ? ` (${c[k] - prev[k] > 0 ? '+' : ''}${c[k] - prev[k]})` : ''}`).join('  ');
}

export function formatProcesses(procs: ProcessView[], indent: string): string[] {
  const lines: string[] = [];
  for (const p of procs) {
    if (!p.mappings.length) {
      lines.push(`${indent}${p.name}  (no mappings)`);
      continue;
    }
    p.mappings.forEach((m, i) => {
      const cells = m.pages.map((s) => PAGE_SYMBOL[s]).join('');
      const flags = m.flags.length ? `, ${m.flags.join(', ')}` : '';
      lines.push(`${indent}${i === 0 ? p.name : ' '.repeat(p.name.length)}  ${m.name} [${cells}] ${m.kind}${flags}`);
    });
  }
  return lines;
}

export const PAGE_LEGEND = 'pages: P present  S shared  C in page cache  R reserved  . nothing reserved  X taken back (SIGBUS)  _ unmapped';

export function formatReadableText(t: ReadableTrace): string {
  const out: string[] = [];
  out.push(`${t.scenario.name} on model:${t.policy}`);
  out.push(`setup: nr_hugepages ${t.scenario.setup.nr_hugepages}, nr_overcommit_hugepages ${t.scenario.setup.nr_overcommit_hugepages}`);
  out.push(`initial: ${formatCounters(t.initial, [])}`);
  let prev = t.initial;
  for (const s of t.steps) {
    const o = s.observation;
    out.push('');
    out.push(`step ${s.index}  ${s.op}  → ${o.result}${o.value !== undefined ? ` (value ${o.value})` : ''}`);
    out.push(`    ${formatCounters(o.counters, s.changed, prev)}`);
    for (const [name, st] of Object.entries(o.mounts)) if (st.blocks !== null) out.push(`    mount ${name}: blocks ${st.blocks}, bfree ${st.bfree}`);
    out.push(...formatProcesses(s.processes, '    '));
    if (s.calls.length) out.push(`    kernel: ${formatCallTree(callTree(s.calls))}`);
    for (const mm of s.mismatches) out.push(`    expected ${mm.field} ${JSON.stringify(mm.expected)}, observed ${JSON.stringify(mm.observed)}`);
    for (const v of s.violations) out.push(`    VIOLATION ${violationSentence({ ...v, step: s.index })}`);
    prev = o.counters;
  }
  out.push('');
  out.push(`after teardown (every process exits, files unlinked, segments removed, mounts unmounted):`);
  out.push(`    ${formatCounters(t.final.observation.counters, t.final.changed, prev)}`);
  for (const v of t.final.violations) out.push(`    VIOLATION ${violationSentence({ ...v, step: 'final' })}`);
  out.push('');
  out.push(PAGE_LEGEND);
  out.push(t.violations.length ? `${t.violations.length} invariant${t.violations.length === 1 ? '' : 's'} broken` : 'every invariant held');
  return out.join('\n');
}
