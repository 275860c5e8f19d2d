/** The validator: defaults of the contract, and one clear error naming step, field and reason. */
import { describe, expect, test } from '@jest/globals';
import type { Step } from '../scenario/types';
import { parseScenarioText, ScenarioError, validateScenario } from '../scenario/validate';

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ format: 'hugecheck.scenario/1', name: 't', steps, ...extra });

function errorOf(data: unknown): ScenarioError {
  try {
    validateScenario(data);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('defaults', () => {
  test('setup, mmap, munmap whole range, write value 1 + (index mod 255)', () => {
    const sc = validateScenario(
      scenario([
        { op: 'mmap', proc: 'p0', map: 'a', pages: 3 },
        { op: 'munmap', proc: 'p0', map: 'a', offset: 1 },
        { op: 'write', proc: 'p0', map: 'a', page: 0 },
      ]),
    );
    expect(sc.setup).toEqual({ nr_hugepages: 0, nr_overcommit_hugepages: 0 });
    expect(sc.steps[0]).toEqual({ op: 'mmap', proc: 'p0', map: 'a', pages: 3, share: 'private', offset: 0, noreserve: false, populate: false, prot: 'rw' });
    expect((sc.steps[1] as Extract<Step, { op: 'munmap' }>).pages).toBe(2);
    expect((sc.steps[2] as Extract<Step, { op: 'write' }>).value).toBe(3);
  });

  test('a child inherits its parent\'s mapping names; a mapping name may be reused by a new mmap', () => {
    expect(() =>
      validateScenario(
        scenario([
          { op: 'mmap', proc: 'p0', map: 'a', pages: 1 },
          { op: 'fork', proc: 'p0', child: 'c' },
          { op: 'read', proc: 'c', map: 'a', page: 0 },
          { op: 'mmap', proc: 'c', map: 'a', pages: 4 },
          { op: 'read', proc: 'c', map: 'a', page: 3 },
        ]),
      ),
    ).not.toThrow();
  });

  test('mremap "to" creates the target name with the new size', () => {
    const ok = scenario([
      { op: 'mmap', proc: 'p0', map: 'a', pages: 4 },
      { op: 'mremap', proc: 'p0', map: 'a', offset: 2, oldPages: 2, newPages: 1, to: 'b' },
      { op: 'read', proc: 'p0', map: 'b', page: 0 },
    ]);
    expect(() => validateScenario(ok)).not.toThrow();
    const bad = scenario([...ok.steps, { op: 'read', proc: 'p0', map: 'b', page: 1 }]);
    expect(errorOf(bad).message).toBe('step 3 (read), field "page": page 1 is outside mapping "b" (1 pages)');
  });
});

describe('errors name the step, the field and the reason', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown op', scenario([{ op: 'frobnicate' }]), /^step 0, field "op": unknown op "frobnicate"/],
    ['missing op', scenario([{ proc: 'p0' }]), /^step 0, field "op": missing "op"/],
    ['dangling process', scenario([{ op: 'exit', proc: 'p9' }]), /^step 0 \(exit\), field "proc": process "p9" does not exist/],
    ['dangling mapping', scenario([{ op: 'read', proc: 'p0', map: 'x', page: 0 }]), /^step 0 \(read\), field "map": mapping "x" does not exist in process "p0"/],
    ['dangling file', scenario([{ op: 'truncate', file: 'f', pages: 1 }]), /^step 0 \(truncate\), field "file": file "f" does not exist/],
    ['ended file', scenario([{ op: 'create', file: 'f' }, { op: 'unlink', file: 'f' }, { op: 'truncate', file: 'f', pages: 0 }]), /^step 2 \(truncate\), field "file": file "f" no longer exists \(step 1 ended it\)/],
    ['files end with their mount', scenario([{ op: 'mount', mount: 'm' }, { op: 'create', file: 'f', mount: 'm' }, { op: 'umount', mount: 'm' }, { op: 'unlink', file: 'f' }]), /^step 3 \(unlink\), field "file": file "f" no longer exists \(step 2 ended it\)/],
    ['exited process', scenario([{ op: 'fork', proc: 'p0', child: 'c' }, { op: 'exit', proc: 'c' }, { op: 'exit', proc: 'c' }]), /^step 2 \(exit\), field "proc": process "c" no longer exists/],
    ['reused live name', scenario([{ op: 'fork', proc: 'p0', child: 'p0' }]), /^step 0 \(fork\), field "child": process "p0" already exists/],
    ['umount default', scenario([{ op: 'umount', mount: 'default' }]), /field "mount": the "default" mount cannot be unmounted/],
    ['bad field type', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 'two' }]), /^step 0 \(mmap\), field "pages": expected a whole number, got "two"/],
    ['bad enum', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 1, share: 'both' }]), /field "share": expected one of "private", "shared", got "both"/],
    ['unknown field', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 1, shared: true }]), /field "shared": unknown field for mmap/],
    ['page outside range', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'write', proc: 'p0', map: 'a', page: 2 }]), /^step 1 \(write\), field "page": page 2 is outside mapping "a" \(2 pages\)/],
    ['munmap past range', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'munmap', proc: 'p0', map: 'a', offset: 1, pages: 2 }]), /field "pages": pages 1\.\.2 go beyond mapping "a"/],
    ['write value out of range', scenario([{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0, value: 256 }]), /field "value": expected a byte value 1\.\.255/],
    ['bad expect', scenario([{ op: 'setPool', pages: 1, expect: { counters: { totl: 1 } } }]), /^step 0 \(setPool\), field "expect.counters.totl": unknown counter/],
    ['bad expect result', scenario([{ op: 'setPool', pages: 1, expect: { result: 'EWHAT' } }]), /field "expect.result": expected one of ok, ENOMEM/],
    ['wrong format', { format: 'hugecheck.scenario/2', name: 'x', steps: [] }, /^field "format": expected "hugecheck.scenario\/1"/],
    ['unknown top-level field', scenario([], { stesp: [] }), /^field "stesp": unknown top-level field/],
    ['bad setup', scenario([], { setup: { nr_hugepages: -1 } }), /^field "setup.nr_hugepages": must be at least 0/],
  ];
  test.each(cases)('%s', (_name, data, message) => {
    const e = errorOf(data);
    expect(e.message).toMatch(message);
  });

  test('malformed JSON names the file, line and column', () => {
    expect(() => parseScenarioText('{\n  "format": ,\n}', 'x.json')).toThrow(/^x\.json: not valid JSON at line 2, column 13/);
  });

  test('file name is prefixed to step errors', () => {
    expect(() => parseScenarioText(JSON.stringify(scenario([{ op: 'exit', proc: 'zz' }])), 'dir/s.json')).toThrow(
      /^dir\/s\.json, step 0 \(exit\), field "proc": process "zz" does not exist/,
    );
  });
});
