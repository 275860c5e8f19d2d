/**
 * A report as one self-contained HTML file: inline CSS, an inline SVG chart, no script, nothing
 * fetched (a Content-Security-Policy meta tag forbids it), deterministic bytes. Per case: the heading
 * and the violations in one sentence each, the counters over the steps as a chart with the failing
 * steps marked (`svg-chart.ts`), the step table (counters the step changed highlighted, the steps
 * where an invariant broke highlighted, and under each step a `<details>` with the processes, their
 * pages and the kernel call tree), the fork tree, the commands that reproduce it, the scenario, and
 * the C reproducer and Jest test folded. Every name comes from a user file and is escaped.
 */
import type { Counters } from '../scenario/types';
import { callTree, type CallNode } from './calls';
import type { ReportCase, ReportDocument, ReportSummaryRow } from './document';
import { escapeHtml as h } from './escape';
import { PAGE_SYMBOL, violationSentence, type PageState, type ProcessNode, type ProcessView, type ReadableTrace, type StepReport } from './readable';
import { renderCounterChart, type ChartPoint } from './svg-chart';

const KEYS: Array<[keyof Counters, string]> = [
  ['total', 'Total'],
  ['free', 'Free'],
  ['rsvd', 'Rsvd'],
  ['surp', 'Surp'],
];

const PAGE_WORD: Record<PageState, string> = {
  present: 'present',
  shared: 'shared',
  cached: 'in page cache',
  reserved: 'reserved',
  none: 'nothing reserved',
  poisoned: 'taken back (SIGBUS)',
  unmapped: 'unmapped',
};

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a1a1a;background:#fff;margin:0;padding:24px 32px;max-width:1280px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.3em;margin:0 0 8px}h3{font-size:1.05em;margin:20px 0 6px}
.subtitle{color:#555;margin:0 0 16px}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:8px 10px;overflow:auto;margin:4px 0}
table{border-collapse:collapse}
th,td{border:1px solid #d8dce0;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f2f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
section.case{border-top:2px solid #d8dce0;margin-top:28px;padding-top:16px}
.meta{color:#444;margin:0 0 8px}
ul.violations{padding-left:20px;margin:8px 0}
ul.violations li{color:#8b0000;margin:3px 0}
.ok{color:#1a6b30}
.status-held{color:#1a6b30}.status-known{color:#8a5a00}.status-violated{color:#b00020;font-weight:bold}
figure.chart{margin:12px 0}figure.chart svg{display:block;max-width:100%;height:auto}figure.chart figcaption{color:#555;font-size:12px}
table.steps tr.step td{background:#fff}
table.steps tbody.step:nth-of-type(even) tr.step td{background:#fafbfc}
table.steps td.changed{background:#fff1a8 !important;font-weight:bold}
table.steps td .delta{color:#6b5a00;font-weight:normal;font-size:11px;margin-left:3px}
table.steps tbody.violation tr.step td{background:#fde0e0}
table.steps tbody.violation tr.step td.changed{background:#f9c9a0 !important}
table.steps tbody.violation td.num{color:#b00020;font-weight:bold}
table.steps tbody.mismatch td.result{outline:2px solid #b00020}
table.steps tr.more td{border-top:none;padding:0 7px 2px;font-size:12px}
table.steps tr.more summary{color:#666;cursor:pointer}
table.steps tr.edge td{background:#eef1f4;font-style:italic}
.step-body{padding:4px 0 6px}
.step-body p{margin:3px 0}
table.procs td,table.procs th{border:none;padding:1px 8px 1px 0}
.pages{font-family:ui-monospace,"DejaVu Sans Mono",monospace;white-space:nowrap}
.pg{display:inline-block;min-width:1.35em;text-align:center;border:1px solid #999;margin-right:1px;font-size:11px;line-height:1.5}
.pg-present{background:#9ed9a0}.pg-shared{background:#9ec5f0}.pg-cached{background:#d6e6f8}.pg-reserved{background:#ffe08a}
.pg-none{background:#fff}.pg-poisoned{background:#f28b82}.pg-unmapped{background:#e0e0e0;color:#888}
ul.calls{margin:2px 0;padding-left:4px;list-style:none}ul.calls ul.calls{padding-left:18px}ul.calls ul.calls>li::before{content:"└ ";color:#999}
ul.ptree{padding-left:20px;margin:4px 0}
.legend{font-size:12px;color:#444;margin:6px 0}
.legend .pg{margin-left:8px}
details.file summary{cursor:pointer;margin:6px 0}
`.trim();

/** The chart's points for a trace: `initial`, every step, `final` (after teardown); the marked ones
 *  are those where an invariant broke. */
export function traceChartPoints(t: ReadableTrace): { points: ChartPoint[]; marked: number[] } {
  const points: ChartPoint[] = [
    { label: 'initial', caption: 'initial', ...t.initial },
    ...t.steps.map((s) => ({ label: String(s.index), caption: `step ${s.index}: ${s.op}`, ...s.observation.counters })),
    { label: 'final', caption: 'after teardown', ...t.final.observation.counters },
  ];
  const marked = t.steps.filter((s) => s.violations.length).map((s) => s.index + 1);
  if (t.final.violations.length) marked.push(points.length - 1);
  return { points, marked };
}

function counterCells(c: Counters, changed: readonly (keyof Counters)[], prev: Counters | undefined): string {
  return KEYS.map(([k]) => {
    const on = changed.includes(k) && prev !== undefined;
    const d = on ? c[k] - prev![k] : 0;
    return `<td class="n${on ? ' changed' : ''}" data-counter="${k}" data-value="${c[k]}">${c[k]}${on ? `<span class="delta">${d > 0 ? '+' : ''}${d}</span>` : ''}</td>`;
  }).join('');
}

function callList(nodes: CallNode[]): string {
  return `<ul class="calls">${nodes
    .map((n) => `<li><code>${h(n.fn)}</code>${n.times > 1 ? ` ×${n.times}` : ''}${n.children.length ? callList(n.children) : ''}</li>`)
    .join('')}</ul>`;
}

/** The outermost kernel functions of a step (`do_mmap`, `do_user_addr_fault` ×2); the tree is in its details. */
function topCalls(calls: ReadonlyArray<{ fn: string; depth: number }>): string {
  return callTree(calls)
    .map((n) => `<code>${h(n.fn)}</code>${n.times > 1 ? ` ×${n.times}` : ''}`)
    .join(', ');
}

function pageCells(states: PageState[], values: Record<number, number>): string {
  return states
    .map((s, i) => `<span class="pg pg-${s}" title="page ${i}: ${PAGE_WORD[s]}${values[i] !== undefined ? `, value ${values[i]}` : ''}">${h(PAGE_SYMBOL[s])}</span>`)
    .join('');
}

function processTable(procs: ProcessView[]): string {
  const rows: string[] = [];
  for (const p of procs) {
    if (!p.mappings.length) {
      rows.push(`<tr><th><code>${h(p.name)}</code></th><td colspan="3"><em>no mappings</em></td></tr>`);
      continue;
    }
    p.mappings.forEach((m, i) => {
      const what = [m.kind, ...m.flags].map(h).join(', ');
      rows.push(`<tr>${i === 0 ? `<th rowspan="${p.mappings.length}"><code>${h(p.name)}</code></th>` : ''}<td><code>${h(m.name)}</code></td><td class="pages">${pageCells(m.pages, m.values)}</td><td>${what}</td></tr>`);
    });
  }
  return `<table class="procs">${rows.join('')}</table>`;
}

function stepBody(s: StepReport): string {
  const out: string[] = [];
  for (const v of s.violations) out.push(`<p class="violation"><strong>${h(violationSentence({ ...v, step: s.index }))}</strong></p>`);
  for (const m of s.mismatches) out.push(`<p class="mismatch">expected ${h(m.field)} ${h(JSON.stringify(m.expected))}, observed ${h(JSON.stringify(m.observed))}</p>`);
  for (const [name, st] of Object.entries(s.observation.mounts)) if (st.blocks !== null) out.push(`<p>mount <code>${h(name)}</code>: blocks ${st.blocks}, bfree ${st.bfree}</p>`);
  out.push(processTable(s.processes));
  out.push(s.calls.length ? `<div class="kernel">kernel functions:${callList(callTree(s.calls))}</div>` : '<p>no kernel function of the model ran</p>');
  return `<div class="step-body">${out.join('')}</div>`;
}

function stepTable(t: ReadableTrace, id: string): string {
  const out: string[] = [];
  out.push(`<table class="steps"><thead><tr><th>#</th><th>op</th><th>result</th><th>value</th>${KEYS.map(([, l]) => `<th>${l}</th>`).join('')}<th>kernel</th></tr></thead>`);
  out.push(`<tbody class="edge"><tr class="edge"><td></td><td>initial</td><td></td><td></td>${counterCells(t.initial, [], undefined)}<td></td></tr></tbody>`);
  let prev = t.initial;
  for (const s of t.steps) {
    const o = s.observation;
    const cls = ['step', s.violations.length ? 'violation' : '', s.mismatches.length ? 'mismatch' : ''].filter(Boolean).join(' ');
    out.push(`<tbody class="${cls}" id="${id}-step-${s.index}" data-step="${s.index}">`);
    out.push(
      `<tr class="step"><td class="n num">${s.index}${s.violations.length ? ' ✗' : ''}</td><td class="op"><code>${h(s.op)}</code></td><td class="result">${h(o.result)}</td><td class="n value">${o.value ?? ''}</td>${counterCells(o.counters, s.changed, prev)}<td class="kernel">${topCalls(s.calls)}</td></tr>`,
    );
    out.push(`<tr class="more"><td colspan="9"><details${s.violations.length ? ' open' : ''}><summary>processes, pages and kernel calls</summary>${stepBody(s)}</details></td></tr>`);
    out.push('</tbody>');
    prev = o.counters;
  }
  const f = t.final;
  out.push(`<tbody class="edge${f.violations.length ? ' violation' : ''}"><tr class="edge"><td class="num">${f.violations.length ? '✗' : ''}</td><td>after teardown</td><td></td><td></td>${counterCells(f.observation.counters, f.changed, prev)}<td class="kernel">${topCalls(f.calls)}</td></tr>`);
  if (f.calls.length || f.violations.length) {
    const body = [
      ...f.violations.map((v) => `<p class="violation"><strong>${h(violationSentence({ ...v, step: 'final' }))}</strong></p>`),
      f.calls.length ? `<div class="kernel">kernel functions:${callList(callTree(f.calls))}</div>` : '',
    ].join('');
    out.push(`<tr class="more"><td colspan="9"><details${f.violations.length ? ' open' : ''}><summary>teardown: every process exits, files unlinked, segments removed, mounts unmounted</summary><div class="step-body">${body}</div></details></td></tr>`);
  }
  out.push('</tbody></table>');
  return out.join('\n');
}

function processTree(n: ProcessNode, id: string): string {
  const stepLink = (i: number) => `<a href="#${id}-step-${i}">${i}</a>`;
  const life = [n.forkedAt === null ? 'initial process' : `forked at step ${stepLink(n.forkedAt)}`, n.exitedAt === null ? 'lives to the teardown' : `exits at step ${stepLink(n.exitedAt)}`];
  const kids = n.children.length ? `<ul class="ptree">${n.children.map((c) => processTree(c, id)).join('')}</ul>` : '';
  return `<li data-process="${h(n.name)}"><code>${h(n.name)}</code>: ${life.join(', ')}${kids}</li>`;
}

const PAGE_LEGEND_HTML = `<p class="legend">pages:${(Object.keys(PAGE_SYMBOL) as PageState[]).map((s) => `<span class="pg pg-${s}">${h(PAGE_SYMBOL[s])}</span> ${PAGE_WORD[s]}`).join('')}</p>`;

function fileBlock(summary: string, cls: string, body: string): string {
  return `<details class="file ${cls}"><summary>${h(summary)}</summary><pre><code>${h(body)}</code></pre></details>`;
}

function renderCase(c: ReportCase, n: number): string {
  const t = c.trace;
  const id = `case-${n}`;
  const out: string[] = [`<section class="case" id="${id}">`, `<h2>${n}. ${h(c.heading)}</h2>`];
  out.push(
    `<p class="meta">Scenario <code>${h(t.scenario.name)}</code> on model <code>${h(t.policy)}</code>; setup: nr_hugepages ${t.scenario.setup.nr_hugepages}, nr_overcommit_hugepages ${t.scenario.setup.nr_overcommit_hugepages}.</p>`,
  );
  out.push(
    t.violations.length
      ? `<ul class="violations">${t.violations.map((v) => `<li><strong>${h(violationSentence(v))}</strong>${(v.knownBugs ?? []).map((b) => ` <span class="ref">(${h(b.title)}; ${h(b.reference)}${b.upstream ? `; upstream: ${h(b.upstream)}` : ''})</span>`).join('')}</li>`).join('')}</ul>`
      : '<p class="ok">Every invariant held.</p>',
  );
  const mismatches = t.steps.flatMap((s) => s.mismatches);
  if (mismatches.length) {
    out.push(`<p>Expectations not met:</p><ul class="mismatches">${mismatches.map((m) => `<li>step ${m.step}: ${h(m.field)} expected <code>${h(JSON.stringify(m.expected))}</code>, observed <code>${h(JSON.stringify(m.observed))}</code></li>`).join('')}</ul>`);
  }
  const { points, marked } = traceChartPoints(t);
  out.push(
    `<figure class="chart">${renderCounterChart(points, { marked, title: `HugePages counters of ${t.scenario.name}` })}<figcaption>HugePages_Total, Free, Rsvd and Surp after each step${marked.length ? '; the shaded steps broke an invariant' : ''}.</figcaption></figure>`,
  );
  out.push('<h3>Steps</h3>', stepTable(t, id), PAGE_LEGEND_HTML);
  out.push('<h3>Processes</h3>', `<ul class="ptree">${processTree(t.processTree, id)}</ul>`);
  out.push('<h3>Reproduce</h3>', `<pre class="replay"><code>${h(c.replay.join('\n'))}</code></pre>`);
  out.push('<h3>Scenario</h3>', `<pre class="scenario"><code>${h(c.scenarioJson)}</code></pre>`);
  if (c.cRepro !== undefined) out.push(fileBlock('C reproducer', 'c-repro', c.cRepro));
  if (c.jestTest !== undefined) out.push(fileBlock('Jest regression test', 'jest-test', c.jestTest));
  out.push('</section>');
  return out.join('\n');
}

const STATUS: Record<ReportSummaryRow['status'], string> = {
  held: 'held',
  known: 'violated by known kernel bugs only',
  violated: 'violated',
};

function summaryTable(rows: ReportSummaryRow[]): string {
  const body = rows.map((r) => `<tr><td><code>${h(r.property)}</code></td><td class="status-${r.status}">${STATUS[r.status]}</td><td>${h(r.note)}</td></tr>`).join('\n');
  return `<h2>Summary</h2>\n<table class="summary"><thead><tr><th>property</th><th>status</th><th>note</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function renderHtml(doc: ReportDocument): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${h(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    `<header><h1>${h(doc.title)}</h1><p class="subtitle">${h(doc.subtitle)}</p></header>`,
  ];
  if (doc.summary?.length) out.push(summaryTable(doc.summary));
  if (doc.cases.length > 1) out.push(`<nav><ol>${doc.cases.map((c, i) => `<li><a href="#case-${i + 1}">${h(c.heading)}</a></li>`).join('')}</ol></nav>`);
  doc.cases.forEach((c, i) => out.push(renderCase(c, i + 1)));
  out.push('</body>', '</html>', '');
  return out.join('\n');
}
