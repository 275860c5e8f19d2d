/**
 * Turns untrusted JSON into a `Scenario`: checks every field against the vocabulary, applies the
 * defaults of the contract, and checks name liveness assuming every step succeeds (the contract's
 * "Names", through the binder of scenario/bind.ts). The first problem found is thrown as a
 * `ScenarioError` naming the step, the field and the reason.
 */
import { jsonErrorOffset } from './json-position';
import { Binder, rememberBinding, type BoundStep } from './bind';
import type { FieldSpec } from './fields';
import { VOCABULARY, isOp } from '../ops';
import {
  RESULTS,
  SCENARIO_FORMAT,
  type Expectation,
  type Result,
  type Scenario,
  type Setup,
  type Step,
} from './types';

export class ScenarioError extends Error {
  constructor(
    readonly reason: string,
    readonly where: { file?: string; step?: number; op?: string; field?: string } = {},
  ) {
    super(formatWhere(where) + reason);
    this.name = 'ScenarioError';
  }
  withFile(file: string): ScenarioError {
    return new ScenarioError(this.reason, { ...this.where, file });
  }
}

function formatWhere(w: ScenarioError['where']): string {
  const parts: string[] = [];
  if (w.file) parts.push(w.file);
  if (w.step !== undefined) parts.push(`step ${w.step}${w.op ? ` (${w.op})` : ''}`);
  if (w.field) parts.push(`field "${w.field}"`);
  return parts.length ? parts.join(', ') + ': ' : '';
}

/** Parses JSON text; syntax errors name the line and column. */
export function parseScenarioText(text: string, file?: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    const pos = jsonErrorOffset(text);
    let where = '';
    if (pos >= 0) {
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const col = pos - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new ScenarioError(`not valid JSON${where}: ${msg}`, { file });
  }
  try {
    return validateScenario(data);
  } catch (e) {
    if (e instanceof ScenarioError && file) throw e.withFile(file);
    throw e;
  }
}

const TOP_LEVEL = new Set(['format', 'name', 'description', 'source', 'setup', 'requiresCleanPool', 'modelOnly', 'steps']);
const STEP_COMMON = new Set(['op', 'expect', 'note']);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  return JSON.stringify(x) ?? String(x);
}

function checkCount(v: unknown, min: number, err: (r: string) => ScenarioError): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw err(`expected a whole number, got ${show(v)}`);
  if (v < min) throw err(`must be at least ${min}, got ${v}`);
  if (v > 1_000_000) throw err(`${v} is too large (at most 1000000 pages)`);
  return v;
}

/** Validates parsed JSON. Throws `ScenarioError` on the first problem. */
export function validateScenario(data: unknown): Scenario {
  if (!isRecord(data)) throw new ScenarioError('a scenario must be a JSON object');
  for (const k of Object.keys(data)) {
    if (!TOP_LEVEL.has(k)) throw new ScenarioError(`unknown top-level field "${k}"`, { field: k });
  }
  if (data.format !== SCENARIO_FORMAT) {
    throw new ScenarioError(`expected "${SCENARIO_FORMAT}", got ${show(data.format)}`, { field: 'format' });
  }
  if (typeof data.name !== 'string' || data.name === '') {
    throw new ScenarioError('a scenario needs a non-empty "name"', { field: 'name' });
  }
  for (const k of ['description', 'source'] as const) {
    if (data[k] !== undefined && typeof data[k] !== 'string') throw new ScenarioError('must be a string', { field: k });
  }
  for (const k of ['requiresCleanPool', 'modelOnly'] as const) {
    if (data[k] !== undefined && typeof data[k] !== 'boolean') throw new ScenarioError('must be true or false', { field: k });
  }
  const setup = validateSetup(data.setup);
  if (!Array.isArray(data.steps)) throw new ScenarioError('"steps" must be an array', { field: 'steps' });

  const names = new Binder();
  const bound: BoundStep[] = [];
  const steps = data.steps.map((raw, i) => validateStep(raw, i, names, bound));
  const scenario: Scenario = { format: SCENARIO_FORMAT, name: data.name, setup, steps };
  rememberBinding(scenario, names, bound); // bound once: a run of it reuses these
  if (typeof data.description === 'string') scenario.description = data.description;
  if (typeof data.source === 'string') scenario.source = data.source;
  if (data.requiresCleanPool === true) scenario.requiresCleanPool = true;
  if (data.modelOnly === true) scenario.modelOnly = true;
  return scenario;
}

function validateSetup(raw: unknown): Setup {
  const setup: Setup = { nr_hugepages: 0, nr_overcommit_hugepages: 0 };
  if (raw === undefined) return setup;
  if (!isRecord(raw)) throw new ScenarioError('"setup" must be an object', { field: 'setup' });
  for (const [k, v] of Object.entries(raw)) {
    if (k !== 'nr_hugepages' && k !== 'nr_overcommit_hugepages') {
      throw new ScenarioError(`unknown field "${k}" (expected nr_hugepages, nr_overcommit_hugepages)`, { field: `setup.${k}` });
    }
    setup[k] = checkCount(v, 0, (r) => new ScenarioError(r, { field: `setup.${k}` }));
  }
  return setup;
}

function validateStep(raw: unknown, index: number, names: Binder, bound: BoundStep[]): Step {
  if (!isRecord(raw)) throw new ScenarioError('a step must be a JSON object', { step: index });
  const op = raw.op;
  if (!isOp(op)) {
    throw new ScenarioError(
      op === undefined ? 'missing "op"' : `unknown op ${show(op)} (known: ${Object.keys(VOCABULARY).join(', ')})`,
      { step: index, field: 'op' },
    );
  }
  const spec = VOCABULARY[op] as Record<string, FieldSpec>;
  const err = (field: string | undefined, reason: string) => new ScenarioError(reason, { step: index, op, field });
  for (const k of Object.keys(raw)) {
    if (!STEP_COMMON.has(k) && !(k in spec)) {
      throw err(k, `unknown field for ${op} (fields: ${Object.keys(spec).join(', ')})`);
    }
  }
  if (raw.note !== undefined && typeof raw.note !== 'string') throw err('note', 'must be a string');
  const step: Record<string, unknown> = { op };
  for (const [field, fs] of Object.entries(spec)) {
    const v = raw[field];
    if (v === undefined) {
      if ('default' in fs) step[field] = fs.default;
      else if (!fs.optional && !fs.contextDefault) throw err(field, `required field is missing`);
      continue;
    }
    step[field] = checkField(v, fs, (r) => err(field, r));
  }
  // Names, resolved by the binder (scenario/bind.ts), and the op's own checks (ops/).
  bound.push(names.bind(step as unknown as Step, index, { err }));
  if (raw.expect !== undefined) step.expect = validateExpect(raw.expect, (f, r) => err(f, r));
  if (raw.note !== undefined) step.note = raw.note;
  return step as unknown as Step;
}

function checkField(v: unknown, fs: FieldSpec, err: (r: string) => ScenarioError): unknown {
  const t = fs.type;
  switch (t.kind) {
    case 'count':
      return checkCount(v, t.min, err);
    case 'byte':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 255) {
        throw err(`expected a byte value 1..255, got ${show(v)}`);
      }
      return v;
    case 'name':
      if (typeof v !== 'string' || v === '') throw err(`expected a non-empty name, got ${show(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !t.values.includes(v)) throw err(`expected one of ${t.values.map((x) => `"${x}"`).join(', ')}, got ${show(v)}`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw err(`expected true or false, got ${show(v)}`);
      return v;
  }
}

function validateExpect(raw: unknown, err: (field: string, r: string) => ScenarioError): Expectation {
  if (!isRecord(raw)) throw err('expect', 'must be an object');
  const out: Expectation = {};
  for (const [k, v] of Object.entries(raw)) {
    switch (k) {
      case 'result':
        if (typeof v !== 'string' || !RESULTS.includes(v as Result)) {
          throw err('expect.result', `expected one of ${RESULTS.join(', ')}, got ${show(v)}`);
        }
        out.result = v as Result;
        break;
      case 'value':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw err('expect.value', `expected a byte 0..255, got ${show(v)}`);
        out.value = v;
        break;
      case 'counters': {
        if (!isRecord(v)) throw err('expect.counters', 'must be an object');
        const c: Record<string, number> = {};
        for (const [ck, cv] of Object.entries(v)) {
          if (!['total', 'free', 'rsvd', 'surp'].includes(ck)) throw err(`expect.counters.${ck}`, 'unknown counter (total, free, rsvd, surp)');
          if (typeof cv !== 'number' || !Number.isInteger(cv)) throw err(`expect.counters.${ck}`, `expected a whole number, got ${show(cv)}`);
          c[ck] = cv;
        }
        out.counters = c;
        break;
      }
      case 'mounts': {
        if (!isRecord(v)) throw err('expect.mounts', 'must be an object');
        const m: Record<string, Record<string, number | null>> = {};
        for (const [mk, mv] of Object.entries(v)) {
          if (!isRecord(mv)) throw err(`expect.mounts.${mk}`, 'must be an object');
          const st: Record<string, number | null> = {};
          for (const [sk, sv] of Object.entries(mv)) {
            if (sk !== 'blocks' && sk !== 'bfree') throw err(`expect.mounts.${mk}.${sk}`, 'unknown field (blocks, bfree)');
            if (sv !== null && (typeof sv !== 'number' || !Number.isInteger(sv))) throw err(`expect.mounts.${mk}.${sk}`, `expected a whole number or null, got ${show(sv)}`);
            st[sk] = sv as number | null;
          }
          m[mk] = st;
        }
        out.mounts = m;
        break;
      }
      default:
        throw err(`expect.${k}`, 'unknown field (result, value, counters, mounts)');
    }
  }
  return out;
}
