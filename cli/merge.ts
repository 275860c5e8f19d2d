/**
 * `hugecheck merge FILE...`: shards' reports (check --shard i/n --json) put together into the
 * report of the whole campaign, the same as one unsharded run would print (checker/campaign.ts
 * foldReports). Reports of different campaigns (policy, runs, seeds, invariants, settings) are
 * refused, and so are a missing or repeated shard unless --partial.
 */
import { isEqual } from 'lodash';
import { parseShard } from '../checker/campaign';
import { printReport, reportProperties, type Report } from './check';
import { UsageError } from '../io/errors';
import { loadPolicy, readText } from '../io/load';
import type { Io } from './io';
import { CHECK_REPORT_FORMAT, FormatError, parseCheckReport } from '../formats';

export interface MergeCliOptions {
  policy?: string;
  json?: boolean;
  save?: string;
  out?: string;
  partial?: boolean;
}

function readReport(file: string): Report {
  const text = readText(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  // A campaign's merge needs what only newer reports carry.
  const o = data as Partial<Record<keyof Report, unknown>> | null;
  if (o?.format === CHECK_REPORT_FORMAT) {
    for (const f of ['policy', 'seeds', 'runs', 'invariants', 'settings', 'properties'] as const) {
      if (o[f] === undefined) throw new UsageError(`${file}: field "${f}" is missing (written by an older hugecheck?)`);
    }
  }
  try {
    return parseCheckReport(data);
  } catch (e) {
    if (e instanceof FormatError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

export function mergeCommand(files: string[], o: MergeCliOptions, io: Io): number {
  if (!files.length) throw new UsageError('merge needs at least one report file');
  const reports = files.map(readReport);
  const first = reports[0]!;
  const campaign = (r: Report) => ({ policy: r.policy, seeds: r.seeds, runs: r.runs, invariants: r.invariants, settings: r.settings, timeLimited: r.timeLimited ?? false });
  reports.forEach((r, i) => {
    const a = campaign(first);
    const b = campaign(r);
    for (const k of Object.keys(a) as Array<keyof typeof a>) {
      if (!isEqual(a[k], b[k])) throw new UsageError(`${files[i]}: ${k} is ${JSON.stringify(b[k])} where ${files[0]} has ${JSON.stringify(a[k])}: not the same campaign`);
    }
  });
  // Which shards are here: all of 1..n once each, or (unsharded reports) any number of copies is an error.
  const shards = reports.map((r, i) => {
    if (r.shard === undefined) return undefined;
    try {
      return parseShard(r.shard);
    } catch (e) {
      throw new UsageError(`${files[i]}: shard ${(e as Error).message}`);
    }
  });
  const counts = new Set(shards.map((s) => s?.count));
  if (counts.size > 1) throw new UsageError(`the reports split the campaign differently (${[...counts].map((c) => (c === undefined ? 'unsharded' : `${c} shards`)).join(' and ')})`);
  const count = shards[0]?.count ?? 1;
  const seen = new Map<number, string>();
  shards.forEach((s, i) => {
    const index = s?.index ?? 1;
    if (seen.has(index)) throw new UsageError(`${files[i]} and ${seen.get(index)} are both shard ${index}/${count}`);
    seen.set(index, files[i]!);
  });
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length && !o.partial) throw new UsageError(`shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${count}`).join(', ')} missing (give --partial to merge what is here)`);

  const policy = loadPolicy(o.policy ?? first.policy);
  if (policy.name !== first.policy) throw new UsageError(`--policy ${o.policy} is ${policy.name}, the reports are of ${first.policy}`);
  const { properties: _p, shard: _s, ...base } = first;
  const entries = reports.flatMap((r) => r.properties.map((p) => ({ ...p, violations: p.violations.map(({ replay: _x, ...v }) => v) })));
  const merged: Report = { ...base, properties: reportProperties(base, entries) };
  if (missing.length) io.err(`warning: shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: the report covers part of the campaign\n`);
  return printReport(merged, io, { policy, policyArg: o.policy ?? first.policy, json: o.json, save: o.save, out: o.out, mergedFrom: files });
}
