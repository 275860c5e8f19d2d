/**
 * What a report holds, whatever its format: a title, how it was produced, an optional summary of
 * properties, and one case per counterexample (or one for a plain scenario), each a readable trace
 * with the commands that reproduce it and, optionally, its C reproducer and Jest test.
 * `reports/markdown.ts` and `reports/html.ts` render it.
 */
import type { ReadableTrace } from './readable';

export interface ReportSummaryRow {
  property: string;
  /** held; violated only by known kernel bugs; violated by something no known bug explains */
  status: 'held' | 'known' | 'violated';
  note: string;
}

export interface ReportCase {
  /** e.g. `reserve-backed: known kernel bug surplus-restore-release` */
  heading: string;
  trace: ReadableTrace;
  /** Shell commands that reproduce it (replay the search, run the scenario, build the C program). */
  replay: string[];
  /** The scenario as JSON (reports/scenario-json.ts formatScenario). */
  scenarioJson: string;
  /** The standalone C reproducer and the Jest regression test, when generated. */
  cRepro?: string;
  jestTest?: string;
}

export interface ReportDocument {
  title: string;
  /** One line: what produced it (`hugecheck check --policy linux --seed 7 --runs 1000`). */
  subtitle: string;
  summary?: ReportSummaryRow[];
  cases: ReportCase[];
}
