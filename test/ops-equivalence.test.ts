/**
 * The op registry and the binder (ops/, scenario/bind.ts) replaced per-op code in the model runner,
 * the kernel runner, the validator, the generator's resolver, the explorer and the promise tracker.
 * This test holds what those produced (recorded again only when the vocabulary or the catalogue
 * changes on purpose, see CHANGED below)
 * (`HUGECHECK_RECORD=1 npx jest test/ops-equivalence.test.ts` writes test/fixtures/ops-before.json),
 * and compares: every golden, zoo, kernel-run and held-out scenario, and 400 generated ones, give the
 * same model traces (linux, linux-fixed), the same verdicts and promise facts, the same driver
 * command stream (against a scripted driver that fails some calls), the same validation errors for
 * broken variants, the same generated scenarios and the same exploration successors.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { findPolicy } from '../model/policies';
import { runOnModel } from '../run/model';
import { Machine } from '../run/machine';
import { judgeTrace } from '../properties/judge';
import { trackPromises } from '../properties/track';
import { parseScenarioText, validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/types';
import { scenarioArbitrary } from '../generator/arbitrary';
import { successorsOf } from '../explore/alphabet';
import { EXPLORE_OPS, type Scope } from '../explore/scope';
import { KernelMachine } from '../kernel/machine';
import type { DriverProcess, Reply } from '../kernel/driver-process';

const ROOT = join(__dirname, '..');
const FIXTURE = join(__dirname, 'fixtures', 'ops-before.json');

const sha = (x: unknown) => createHash('sha256').update(typeof x === 'string' ? x : JSON.stringify(x, replacer)).digest('hex').slice(0, 16);
function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Set) return { set: [...v] };
  if (v instanceof Map) return { map: [...v] };
  return v;
}

function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...scenarioFiles(p));
    else if (e.endsWith('.json')) out.push(p);
  }
  return out;
}

/** A driver that answers from a script: a call fails with ENOMEM when its line hashes to 0 mod 5. */
function scriptedDriver(lines: string[]): DriverProcess {
  let n = 0;
  const d = {
    async call(line: string): Promise<Reply> {
      lines.push(line);
      n++;
      const h = parseInt(sha(`${line}#${n}`).slice(0, 6), 16);
      const fails = line !== 'MEMINFO' && !line.startsWith('SETUP') && !line.startsWith('TEARDOWN') && h % 5 === 0;
      return { result: fails ? 'ENOMEM' : 'ok', value: h % 256, counters: [n, n, 0, 0], mounts: new Map() };
    },
  };
  return d as unknown as DriverProcess;
}

async function driverStream(s: Scenario): Promise<string[]> {
  const lines: string[] = [];
  const k = new KernelMachine(scriptedDriver(lines), 0);
  await k.start(s.setup);
  const obs = [];
  for (const step of s.steps) obs.push((await k.step(step)).result);
  await k.teardown();
  return [...lines, obs.join(',')];
}

/** Variants of a scenario that break its names: each creating step removed in turn. */
function brokenVariants(s: Scenario): string[] {
  const out: string[] = [];
  s.steps.forEach((st, i) => {
    if (!['mount', 'create', 'mmap', 'fork', 'shmget', 'shmat', 'mremap'].includes(st.op)) return;
    const steps = s.steps.filter((_, j) => j !== i);
    try {
      validateScenario({ ...s, steps });
      out.push(`${i}: valid`);
    } catch (e) {
      out.push(`${i}: ${(e as Error).message}`);
    }
  });
  return out;
}

const FULL_SCOPE: Scope = {
  procs: 3, maps: 3, pages: 2, pool: 2, overcommit: 1, files: 2, segs: 1,
  mounts: [{ size: 2 }, { minSize: 1 }], ops: [...EXPLORE_OPS],
};

function successors(s: Scenario): string {
  const m = new Machine(findPolicy('linux')!, s.setup);
  const parts: string[] = [];
  let forks = 0;
  s.steps.forEach((st, i) => {
    m.step(st);
    if (st.op === 'fork') forks++;
    parts.push(sha(successorsOf(m, FULL_SCOPE, i + 1, forks)));
  });
  return sha(parts);
}

async function record(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const linux = findPolicy('linux')!;
  const fixed = findPolicy('linux-fixed')!;
  const files = [...scenarioFiles(join(ROOT, 'scenarios')), ...scenarioFiles(join(ROOT, 'bench', 'holdout'))];
  const scenarios: Array<[string, Scenario]> = files.map((f) => [f.slice(ROOT.length + 1), parseScenarioText(readFileSync(f, 'utf8'), f)]);
  fc.sample(scenarioArbitrary(), { numRuns: 400, seed: 11 }).forEach((s, i) => scenarios.push([`generated#${i}`, s]));
  fc.sample(scenarioArbitrary({ swarm: true }), { numRuns: 100, seed: 12 }).forEach((s, i) => scenarios.push([`swarm#${i}`, s]));
  for (const [key, s] of scenarios) {
    const t = runOnModel(s, linux);
    const tf = runOnModel(s, fixed);
    const facts = trackPromises(s, t.initial, t.steps);
    const verdicts = [...judgeTrace(s, t, undefined, facts)].map(([id, v]) => [id, v.step, v.message]);
    out[`${key} scenario`] = sha(s);
    out[`${key} trace`] = sha([t.initial, t.steps, t.final, t.mismatches]);
    out[`${key} trace-fixed`] = sha([tf.initial, tf.steps, tf.final]);
    out[`${key} facts`] = sha(facts);
    out[`${key} verdicts`] = sha(verdicts);
    out[`${key} driver`] = sha(await driverStream(s));
    out[`${key} broken`] = sha(brokenVariants(s));
  }
  scenarios.filter(([k]) => k.startsWith('generated#')).slice(0, 60).forEach(([key, s]) => (out[`${key} successors`] = successors(s)));
  return out;
}

/**
 * Entries that changed on purpose, with why (each time the fixture is recorded again, the list
 * starts empty). The fixture was recorded before the op registry, and again when mlock, munlock and
 * MAP_LOCKED joined the vocabulary with the catalogue's new invariants (documented results, fault
 * progress, pool size, quiet-clean, overcommit limit): the generator draws the new ops and lengths,
 * so every generated scenario changed, the promise facts gained fields, and two goldens' verdicts
 * gained the new invariants' (known-bug) violations; every golden, zoo, kernel-run and held-out trace
 * stayed the same but observed/15-alignment-rounding's, which gained its mlock rows. Recorded once
 * more when the promise facts gained a touch's owner flag, the processes that still map a private
 * page (`sharedWith`, with a name per private page) and the page-cache copy (`copiesCache`): only the
 * facts of 386 entries changed; every trace, verdict, driver stream, error, generated scenario and
 * successor stayed the same, also with the bindings of validated and generated scenarios reused
 * (bind once, scenario/bind.ts `boundBefore`).
 */
const CHANGED = new Set<string>();

describe('the op registry and the binder change nothing observable', () => {
  it('gives the recorded traces, verdicts, facts, driver streams, errors, scenarios and successors', async () => {
    const now = await record();
    if (process.env.HUGECHECK_RECORD === '1' || !existsSync(FIXTURE)) {
      if (process.env.CI) throw new Error(`${FIXTURE} is missing`);
      mkdirSync(join(__dirname, 'fixtures'), { recursive: true });
      writeFileSync(FIXTURE, JSON.stringify(now, null, 1) + '\n');
    }
    const before = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string>;
    const differ = Object.keys(before).filter((k) => before[k] !== now[k] && !CHANGED.has(k));
    for (const k of CHANGED) expect(now[k]).not.toBe(before[k]);
    expect(Object.keys(now).length).toBeGreaterThan(4000);
    expect(differ.slice(0, 20)).toEqual([]);
    expect(Object.keys(now).sort()).toEqual(Object.keys(before).sort());
  });
});
