/**
 * The HTML report. Without a browser: the counter chart's scale, self-containment, escaping and
 * stable bytes. In headless Chromium (Debian's /usr/bin/chromium through playwright-core): the page
 * renders its title and one table row per step, the chart has one point per step and series placed
 * where `chartScale` says (and where the browser draws it), nothing but the file itself is requested,
 * the details open, and the screenshot is a real picture. The browser part is skipped, with the reason
 * printed, only where /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pathToFileURL } from 'url';
import type { Page } from 'playwright-core';
import type { ReportCase, ReportDocument } from '../reports/document';
import { renderHtml, traceChartPoints } from '../reports/html';
import { violationSentence } from '../reports/readable';
import { chartScale, renderCounterChart, SERIES, type ChartPoint } from '../reports/svg-chart';
import type { Counters } from '../scenario/types';
import { chromiumUsability, colours, decodePng, openBrowser, type Browser } from './support/chromium';
import { HOSTILE, hostileScenario, loadScenario, reportFor, scenarioCase } from './support/report-fixture';

const KEYS: (keyof Counters)[] = ['total', 'free', 'rsvd', 'surp'];
const K3 = 'scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json';
const B12 = 'scenarios/zoo/B12-fork-cow-owner.json';
const NEG = 'scenarios/golden/observed/4j-nonowner-cow-grandchild-negative-rsvd.json';

function buildDoc(): ReportDocument {
  return {
    ...reportFor(
      [
        scenarioCase(loadScenario(K3), 'linux', { cRepro: '#include <stdio.h>\nint main(void) { return 0; }\n', jestTest: "test('k3', () => {});\n" }),
        scenarioCase(loadScenario(B12), 'bug/B12-fork-cow-owner'),
        scenarioCase(loadScenario(NEG), 'linux'),
      ],
      'hugecheck report: three cases',
    ),
    summary: [
      { property: 'reserve-backed', status: 'known', note: 'surplus-restore-release' },
      { property: 'owner-never-faults', status: 'violated', note: 'bug/B12-fork-cow-owner' },
    ],
  };
}

const pts = (...rows: Array<[number, number, number, number]>): ChartPoint[] => rows.map(([total, free, rsvd, surp], i) => ({ label: String(i), total, free, rsvd, surp }));

describe('the counter chart', () => {
  test('chartScale: the y axis includes zero and every value, negative ones too; x is one slot per point', () => {
    const points = pts([2, 2, 0, 0], [2, 2, 2, 0], [2, 0, -2, 0], [2, 2, 0, 0]);
    const sc = chartScale(points);
    expect(sc.yMin).toBeLessThanOrEqual(-2);
    expect(sc.yMax).toBeGreaterThanOrEqual(2);
    expect(sc.yTicks).toContain(0);
    expect(sc.y(sc.yMin)).toBe(sc.plot.bottom);
    expect(sc.y(sc.yMax)).toBe(sc.plot.top);
    // Higher values are higher up (smaller y), evenly.
    expect(sc.y(-2)).toBeGreaterThan(sc.y(0));
    expect(sc.y(0) - sc.y(1)).toBeCloseTo(sc.y(1) - sc.y(2), 1);
    expect(points.map((_, i) => sc.x(i))).toEqual([0, 1, 2, 3].map((i) => Math.round((sc.plot.left + (i + 0.5) * sc.slot) * 100) / 100));
    // Only non-negative values: the axis starts at 0; all zero: 0..1.
    expect(chartScale(pts([1, 1, 0, 0], [3, 2, 1, 0])).yMin).toBe(0);
    expect([chartScale(pts([0, 0, 0, 0])).yMin, chartScale(pts([0, 0, 0, 0])).yMax]).toEqual([0, 1]);
    // Large values: at most 7 ticks.
    expect(chartScale(pts([0, 0, 0, 0], [1000, 5, -3, 0])).yTicks.length).toBeLessThanOrEqual(7);
  });

  test('one circle per point and series, at chartScale coordinates, and one band per marked point', () => {
    const points = pts([2, 2, 0, 0], [2, 2, 2, 0], [2, 0, -2, 0]);
    const svg = renderCounterChart(points, { marked: [2] });
    const sc = chartScale(points);
    const circles = [...svg.matchAll(/<circle class="pt" data-series="(\w+)" data-step="(\d+)" data-index="(\d+)" data-value="(-?\d+)" cx="([\d.]+)" cy="([\d.]+)"/g)];
    expect(circles).toHaveLength(points.length * SERIES.length);
    for (const [, series, step, index, value, cx, cy] of circles) {
      const p = points[Number(index)]!;
      expect(step).toBe(p.label);
      expect(Number(value)).toBe(p[series as keyof Counters]);
      expect([Number(cx), Number(cy)]).toEqual([sc.x(Number(index)), sc.y(Number(value))]);
    }
    expect(svg.match(/<polyline /g)).toHaveLength(SERIES.length);
    expect([...svg.matchAll(/<rect class="fail" data-step="(\w+)" data-index="(\d+)"/g)].map((m) => m[2])).toEqual(['2']);
    expect(renderCounterChart(points)).not.toContain('class="fail"');
  });
});

describe('the HTML report, as text', () => {
  const doc = buildDoc();
  const html = renderHtml(doc);

  test('is self-contained: no script, no external resource, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=/i);
    expect([...html.matchAll(/href="([^"]*)"/g)].every((m) => m[1]!.startsWith('#'))).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  });

  test('the same document gives the same bytes', () => {
    expect(renderHtml(buildDoc())).toBe(html);
  });

  test('names from user files are escaped', () => {
    const c = scenarioCase(hostileScenario(), 'bug/B12-fork-cow-owner', { cRepro: '</pre></details><script>alert(2)</script>' });
    const out = renderHtml(reportFor([c], HOSTILE.name));
    expect(out).not.toMatch(/<script|<b>|<i>/);
    expect(out).toContain('<title>B12 &lt;i&gt;&amp;amp;&lt;/i&gt; `|`</title>');
    expect(out).toContain('a|&lt;b&gt;*x*&lt;/b&gt;');
    expect(out).toContain('&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});

const usable = chromiumUsability();
if (!usable.ok) console.log(`browser tests skipped: ${usable.reason}`);
const bdescribe = usable.ok ? describe : describe.skip;

const VIEWPORT = { width: 1200, height: 900 };

/** The few browser globals the page functions use (the project compiles without the DOM lib). */
interface BrowserGlobals {
  getComputedStyle(el: unknown): { backgroundColor: string };
  scrollTo(x: number, y: number): void;
}

bdescribe('the HTML report in headless Chromium', () => {
  const doc = buildDoc();
  let dir: string;
  let browser: Browser;
  let page: Page;
  let url: string;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hugecheck-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(doc));
    url = pathToFileURL(file).href;
    browser = await openBrowser(VIEWPORT);
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    // Whatever a regression might try to fetch is recorded above and never leaves the machine.
    await page.route(/^(?!file:|data:)/, (r) => r.abort());
    await page.goto(url, { waitUntil: 'load' });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('renders the title, the violations and one table row per step with the counters', async () => {
    expect(await page.title()).toBe(doc.title);
    expect(await page.locator('h1').innerText()).toBe(doc.title);
    expect(await page.locator('section.case').count()).toBe(doc.cases.length);
    for (const [n, c] of doc.cases.entries()) {
      const sec = page.locator(`section#case-${n + 1}`);
      const t = c.trace;
      expect(await sec.locator('ul.violations > li > strong').allInnerTexts()).toEqual(t.violations.map(violationSentence));
      const rows = sec.locator('table.steps tr.step');
      expect(await rows.count()).toBe(t.steps.length);
      // Every row: its counters, the changed ones highlighted, the violating steps highlighted.
      const seen = await rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          violation: tr.parentElement!.classList.contains('violation'),
          counters: [...tr.querySelectorAll('td[data-counter]')].map((td) => [td.getAttribute('data-counter'), Number(td.getAttribute('data-value')), td.classList.contains('changed')]),
          highlighted: [...tr.querySelectorAll('td.changed')].map((td) => (globalThis as unknown as BrowserGlobals).getComputedStyle(td).backgroundColor),
        })),
      );
      seen.forEach((row, i) => {
        const s = t.steps[i]!;
        expect({ step: i, violation: row.violation }).toEqual({ step: i, violation: s.violations.length > 0 });
        expect(row.counters).toEqual(KEYS.map((k) => [k, s.observation.counters[k], s.changed.includes(k)]));
        for (const bg of row.highlighted) expect(bg).not.toBe('rgb(255, 255, 255)');
      });
    }
    expect(problems).toEqual([]);
  });

  test('the chart has one point per step and series, placed by chartScale, where the browser draws it', async () => {
    for (const [n, c] of doc.cases.entries()) {
      const { points, marked } = traceChartPoints(c.trace);
      expect(points).toHaveLength(c.trace.steps.length + 2); // initial, each step, final
      const sc = chartScale(points);
      const svg = page.locator(`section#case-${n + 1} svg.counter-chart`);
      expect(await svg.count()).toBe(1);
      const circles = await svg.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return [...el.querySelectorAll('circle.pt')].map((cEl) => {
          const r = cEl.getBoundingClientRect();
          const a = (k: string) => cEl.getAttribute(k)!;
          return { series: a('data-series'), step: a('data-step'), index: Number(a('data-index')), value: Number(a('data-value')), cx: Number(a('cx')), cy: Number(a('cy')), drawnX: r.x + r.width / 2 - box.x, drawnY: r.y + r.height / 2 - box.y };
        });
      });
      for (const s of SERIES) {
        const mine = circles.filter((p) => p.series === s.key);
        expect(mine.map((p) => p.step)).toEqual(points.map((p) => p.label));
        mine.forEach((p, i) => {
          const want = points[i]![s.key];
          expect({ series: s.key, step: p.step, value: p.value, cx: p.cx, cy: p.cy }).toEqual({ series: s.key, step: p.step, value: want, cx: sc.x(i), cy: sc.y(want) });
          expect(Math.abs(p.drawnX - sc.x(i))).toBeLessThan(0.6);
          expect(Math.abs(p.drawnY - sc.y(want))).toBeLessThan(0.6);
        });
      }
      // The failing steps are marked, and only those.
      const bands = await svg.locator('rect.fail').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-index'))));
      expect(bands).toEqual(marked);
      expect(marked.length).toBeGreaterThan(0);
    }
    // The negative Rsvd of 4j is drawn below the zero line.
    const neg = doc.cases[2]!.trace;
    expect(Math.min(...neg.steps.map((s) => s.observation.counters.rsvd))).toBe(-2);
    const ys = await page.locator('section#case-3 circle.pt[data-series="rsvd"][data-value="-2"]').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cy'))));
    const sc = chartScale(traceChartPoints(neg).points);
    expect(ys.length).toBeGreaterThan(0);
    for (const y of ys) expect(y).toBeGreaterThan(sc.y(0));
  });

  test('the process tree shows the forks and exits; a step row opens to its processes and kernel calls', async () => {
    const tree = await page.locator('section#case-3 ul.ptree li[data-process]').evaluateAll((lis) =>
      lis.map((li) => ({ name: li.getAttribute('data-process'), parent: li.parentElement!.closest('li[data-process]')?.getAttribute('data-process') ?? null, text: li.firstChild!.textContent + (li.childNodes[1]?.textContent ?? '') })),
    );
    expect(tree.map((n) => [n.name, n.parent])).toEqual([
      ['p0', null],
      ['p1', 'p0'],
      ['p2', 'p1'],
    ]);
    expect(await page.locator('section#case-3 li[data-process="p2"]').innerText()).toBe('p2: forked at step 4, exits at step 7');
    // Step 0 is closed; opening it shows p0's mapping and the kernel functions.
    const more = page.locator('section#case-3 tbody#case-3-step-0 tr.more details');
    expect(await more.locator('table.procs').isVisible()).toBe(false);
    await more.locator('summary').click();
    expect(await more.locator('table.procs').isVisible()).toBe(true);
    expect(await more.locator('table.procs').innerText()).toContain('private anon');
    expect(await more.locator('ul.calls code').first().innerText()).toBe('do_mmap');
    // Steps where an invariant broke are open from the start.
    expect(await page.locator('section#case-3 tbody#case-3-step-5 tr.more details').getAttribute('open')).toBe('');
  });

  test('the replay commands, the scenario and the folded C and Jest files are there', async () => {
    const sec = page.locator('section#case-1');
    const c = doc.cases[0]! as Required<ReportCase>;
    expect(await sec.locator('pre.replay').innerText()).toBe(c.replay.join('\n'));
    expect(JSON.parse(await sec.locator('pre.scenario').innerText()).name).toBe('k3-min-size-surplus-restore');
    expect(await sec.locator('details.c-repro pre').isVisible()).toBe(false);
    expect(await sec.locator('details.c-repro pre').textContent()).toBe(c.cRepro);
    expect(await sec.locator('details.jest-test pre').textContent()).toBe(c.jestTest);
    expect(await page.locator('section#case-2 details.c-repro').count()).toBe(0);
  });

  test('requests nothing but its own file', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
  });

  test('the screenshot is a PNG of the viewport with a real picture in it, the chart in its colours', async () => {
    await page.evaluate(() => (globalThis as unknown as BrowserGlobals).scrollTo(0, 0));
    const png = decodePng(await page.screenshot());
    expect([png.width, png.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
    const shot = colours(png);
    // A blank page, shot the same way, has one colour.
    const blank = await browser.context.newPage();
    await blank.setContent('<!DOCTYPE html><html><body></body></html>');
    const blankColours = colours(decodePng(await blank.screenshot()));
    await blank.close();
    expect(blankColours.size).toBeLessThanOrEqual(2);
    expect(shot.size).toBeGreaterThan(100);
    // The chart's own pixels include every series colour (legend swatches and lines).
    const chart = decodePng(await page.locator('section#case-1 svg.counter-chart').screenshot());
    const box = chartScale(traceChartPoints(doc.cases[0]!.trace).points);
    // (the element may sit at a fractional offset: one pixel more)
    expect(chart.width - box.width).toBeGreaterThanOrEqual(0);
    expect(chart.width - box.width).toBeLessThanOrEqual(1);
    expect(chart.height - box.height).toBeGreaterThanOrEqual(0);
    expect(chart.height - box.height).toBeLessThanOrEqual(1);
    const inChart = colours(chart);
    for (const s of SERIES) expect({ series: s.key, drawn: inChart.has(parseInt(s.colour.slice(1), 16)) }).toEqual({ series: s.key, drawn: true });
    expect(problems).toEqual([]);
  });

  test('escaped names display as text and run nothing', async () => {
    const file = join(dir, 'hostile.html');
    const c = scenarioCase(hostileScenario(), 'bug/B12-fork-cow-owner');
    writeFileSync(file, renderHtml(reportFor([c], HOSTILE.name)));
    const p = await browser.context.newPage();
    const dialogs: string[] = [];
    p.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await p.goto(pathToFileURL(file).href);
    expect(await p.title()).toBe(HOSTILE.name);
    expect(await p.locator('script, b, i').count()).toBe(0);
    expect(await p.locator('section#case-1 table.steps tr.step td.op').first().innerText()).toBe(`p0: ${HOSTILE.map} = mmap(1 hp, MAP_PRIVATE|MAP_HUGETLB)`);
    expect(await p.locator(`li[data-process="${HOSTILE.child.replace(/["\\]/g, '\\$&')}"] > code`).innerText()).toBe(HOSTILE.child);
    expect(dialogs).toEqual([]);
    await p.close();
  });
});
