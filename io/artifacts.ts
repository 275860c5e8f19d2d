/**
 * The files `--out DIR` leaves for each counterexample (the scenario, the Markdown and HTML reports,
 * the C reproducer and the Jest regression test), plus the whole run's report. The cases themselves
 * are built by reports/case.ts.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { ReportDocument } from '../reports/document';
import { renderHtml } from '../reports/html';
import { renderMarkdown } from '../reports/markdown';

/** Writes each case's files and the run's report into `dir`; returns the paths written. */
export function writeArtifacts(dir: string, doc: ReportDocument, base: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    written.push(p);
  };
  doc.cases.forEach((c, i) => {
    const b = base[i]!;
    put(`${b}.json`, c.scenarioJson + '\n');
    put(`${b}.md`, renderMarkdown({ ...doc, summary: undefined, cases: [c] }));
    put(`${b}.html`, renderHtml({ ...doc, summary: undefined, cases: [c] }));
    if (c.cRepro) put(`${b}.c`, c.cRepro);
    if (c.jestTest) put(`${b}.test.ts`, c.jestTest);
  });
  put('report.md', renderMarkdown(doc));
  put('report.html', renderHtml(doc));
  return written;
}
