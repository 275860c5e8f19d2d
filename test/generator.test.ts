/** The generator: every scenario it makes is valid, and stays valid when commands are removed. */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { OP_NAMES } from '../ops';
import { commandArbitrary, scenarioArbitrary, setupArbitrary } from '../generator/arbitrary';
import { COMMAND_KINDS, DEFAULT_WEIGHTS, parseWeights } from '../generator/commands';
import { resolve } from '../generator/resolve';
import { validateScenario } from '../scenario/validate';

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
