/**
 * The conformance suite: every golden scenario (a measured table of kernel-observed.md or a
 * worked trace of kernel-semantics.md §14) passes on the `linux` model with every step's result
 * and counters checked.
 */
import { describe, expect, test } from '@jest/globals';
import { OP_NAMES as OPS } from '../ops';
import { findHazards } from '../run/hazards';
import { linux } from '../model/policies/linux';
import { runOnModel } from '../run/model';
import { loadGoldens } from './support/goldens';

const goldens = loadGoldens();

describe('golden scenarios on the linux model', () => {
  test.each(goldens.map((g) => [g.file, g] as const))('%s', (_file, g) => {
    const trace = runOnModel(g.scenario, linux);
    expect(trace.mismatches).toEqual([]);
  });
});

describe('the golden suite itself', () => {
  test('has at least 60 scenarios', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(60);
  });

  test('covers every op of the vocabulary', () => {
    const used = new Set(goldens.flatMap((g) => g.scenario.steps.map((s) => s.op)));
    expect(OPS.filter((op) => !used.has(op))).toEqual([]);
  });

  test('every kernel run of mlock, munlock or MAP_LOCKED is one of the measurements docs/mlock.md tabulates', () => {
    const doc = require('fs').readFileSync(require('path').join(__dirname, '..', 'docs', 'mlock.md'), 'utf8') as string;
    const runs = goldens.filter((g) => g.file.includes('kernel-runs/') && g.scenario.steps.some((s) => s.op === 'mlock' || s.op === 'munlock' || (s.op === 'mmap' && s.locked)));
    expect(runs.length).toBeGreaterThanOrEqual(13);
    expect(runs.map((g) => g.scenario.name).filter((n) => !doc.includes(`### ${n}\n`))).toEqual([]);
  });

  test.each(goldens.map((g) => [g.file, g] as const))('%s names its source and checks result and all counters on every step', (_f, g) => {
    expect(g.scenario.source).toMatch(/kernel-(observed|semantics)\.md|kernel run/);
    g.scenario.steps.forEach((step) => {
      expect(step.expect?.result).toBeDefined();
      expect(Object.keys(step.expect?.counters ?? {}).sort()).toEqual(['free', 'rsvd', 'surp', 'total']);
    });
  });

  test.each(goldens.map((g) => [g.file, g] as const))('%s is marked model-only exactly when the kernel runner refuses it (a possible partial private mremap move), clean-pool when Rsvd goes negative or above Free', (_f, g) => {
    const hazards = findHazards(g.scenario);
    expect(Boolean(g.scenario.modelOnly)).toBe(hazards.leakyMremapSteps.length > 0);
    if (hazards.unbackedSteps.length > 0) expect(g.scenario.requiresCleanPool).toBe(true);
  });
});
