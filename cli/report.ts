/**
 * `hugecheck report FILE --format md|html`: a report for a scenario (run on `--policy`), a check
 * result (`hugecheck check --json`, hugecheck.report/1) or a zoo result (`hugecheck zoo --json`,
 * hugecheck.zoo/1): Markdown for a mail or an issue, or one self-contained HTML file.
 */
import type { ReportDocument } from '../reports/document';
import { checkDocument, scenarioDocument, zooDocument } from '../reports/documents';
import { CHECK_REPORT_FORMAT, FormatError, parseCheckReport, parseZooReport, SCENARIO_FORMAT, scenarioAt, ZOO_FORMAT } from '../formats';
import { renderHtml } from '../reports/html';
import { renderMarkdown } from '../reports/markdown';
import { UsageError } from '../io/errors';
import { loadPolicy, readText } from '../io/load';
import type { Io } from './io';

export function reportCommand(file: string, opts: { format: string; policy?: string }, io: Io): number {
  if (opts.format !== 'md' && opts.format !== 'html') throw new UsageError(`--format must be md or html, got "${opts.format}"`);
  const text = readText(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const doc = documentFor(file, data, opts.policy);
  io.out(opts.format === 'md' ? renderMarkdown(doc) : renderHtml(doc));
  return 0;
}

function parsed<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FormatError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

/** The report document of any of the three inputs. */
export function documentFor(file: string, data: unknown, policyArg?: string): ReportDocument {
  const format = (data as { format?: unknown } | null)?.format;
  if (format === SCENARIO_FORMAT) {
    return scenarioDocument(parsed(file, () => scenarioAt(data, 'scenario')), loadPolicy(policyArg ?? 'linux'), policyArg ?? 'linux', file).doc;
  }
  if (format === CHECK_REPORT_FORMAT) {
    const r = parsed(file, () => parseCheckReport(data));
    return checkDocument(r, loadPolicy(policyArg ?? r.policy), policyArg ?? r.policy).doc;
  }
  if (format === ZOO_FORMAT) return zooDocument(parsed(file, () => parseZooReport(data)), loadPolicy).doc;
  throw new UsageError(`${file}: not a scenario, check report or zoo result (its "format" is ${JSON.stringify(format)}; expected ${SCENARIO_FORMAT}, ${CHECK_REPORT_FORMAT} or ${ZOO_FORMAT})`);
}
