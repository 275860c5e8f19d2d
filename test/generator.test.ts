/** The generator: every scenario it makes is valid, and stays valid when commands are removed. */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { OP_NAMES } from '../ops';
import { commandArbitrary, scenarioArbitrary, setupArbitrary } from '../generator/arbitrary';
import { COMMAND_KINDS, DEFAULT_WEIGHTS, parseWeights } from '../generator/commands';
import { resolve } from '../generator/resolve';
import { validateScenario } from '../scenario/validate';
import { record } from '../ops/gen';

const valid = (s: unknown) => {
  validateScenario(JSON.parse(JSON.stringify(s)));
  return true;
};

describe('generated scenarios', () => {
  test('are valid input (the validator accepts them)', () => {
    fc.assert(fc.property(scenarioArbitrary(), valid), { numRuns: 300, seed: 1 });
  });

  test('stay valid with any command removed (references resolve deterministically)', () => {
    fc.assert(
      fc.property(setupArbitrary, fc.array(commandArbitrary(), { minLength: 1, maxLength: 40 }), fc.nat(), (setup, cmds, k) => {
        const i = k % cmds.length;
        return valid(resolve(setup, [...cmds.slice(0, i), ...cmds.slice(i + 1)]));
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  test('use every op of the vocabulary', () => {
    const ops = new Set(fc.sample(scenarioArbitrary(), { numRuns: 500, seed: 3 }).flatMap((s) => s.steps.map((x) => x.op)));
    expect([...ops].sort()).toEqual([...OP_NAMES].sort());
    expect(ops.size).toBeGreaterThanOrEqual(22);
  });

  test('a weight of 0 leaves a kind out', () => {
    const w = parseWeights('fork=0,exit=0');
    const ops = new Set(fc.sample(scenarioArbitrary({ weights: w }), { numRuns: 300, seed: 4 }).flatMap((s) => s.steps.map((x) => x.op)));
    expect(ops.has('fork')).toBe(false);
    expect(ops.has('mmap')).toBe(true);
  });

  test('pools are small: the pool runs out in many scenarios', () => {
    const samples = fc.sample(scenarioArbitrary(), { numRuns: 300, seed: 5 });
    expect(samples.every((s) => s.setup.nr_hugepages <= 4 && s.setup.nr_overcommit_hugepages <= 2)).toBe(true);
  });
});

describe('parseWeights', () => {
  test('overrides the defaults', () => {
    expect(parseWeights('touch=1')).toEqual({ ...DEFAULT_WEIGHTS, touch: 1 });
  });
  test.each([
    ['fork', /bad weight "fork"/],
    ['frob=2', /unknown command kind "frob"/],
    [COMMAND_KINDS.map((k) => `${k}=0`).join(','), /every weight is 0/],
  ])('%s is refused', (text, message) => {
    expect(() => parseWeights(text)).toThrow(message);
  });
});

describe('ops/gen.ts record', () => {
  // It replaces fc.record to build ordinary objects; every seed must still draw what it drew.
  const model = { k: fc.constant('x' as const), p: fc.nat(7), flag: fc.boolean(), size: fc.option(fc.nat(3), { nil: null }), pages: fc.integer({ min: 1, max: 3 }) };
  test('draws the values fc.record draws, from the same random stream, in the same key order', () => {
    for (const seed of [1, 2, 3, 42]) {
      const ours = fc.sample(fc.tuple(record(model), fc.nat(1000)), { numRuns: 300, seed });
      const theirs = fc.sample(fc.tuple(fc.record(model), fc.nat(1000)), { numRuns: 300, seed });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    }
  });
  test('builds objects with the ordinary prototype (fc.record makes every other one null-prototype)', () => {
    const xs = fc.sample(record(model), { numRuns: 50, seed: 1 });
    expect(xs.every((x) => Object.getPrototypeOf(x) === Object.prototype)).toBe(true);
    expect(fc.sample(fc.record(model), { numRuns: 50, seed: 1 }).some((x) => Object.getPrototypeOf(x) === null)).toBe(true);
  });
});
