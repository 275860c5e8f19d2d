/**
 * Kernel releases as values: each entry says which `uname -r` it stands for, the policy that models
 * it, the known bugs that policy reproduces, and the goldens that pin it. "The running kernel" means
 * the entry `kernelForRelease(uname -r)` picks (or the one `--kernel-model` names), never `linux` by
 * default. A new release is a new entry: its policy is the previous one with its changes (fixes,
 * new rules), its known bugs the previous list minus what it fixed plus what it broke.
 */
import { definePolicy, type Policy } from './policy';
import { KNOWN_BUGS, type KnownBug } from './policies/known-bugs';
import { linux } from './policies/linux';

export interface KernelVersion {
  /** The name `--kernel-model` takes. */
  id: string;
  title: string;
  /** Which `uname -r` strings this entry models, and its [major, minor]. */
  release: RegExp;
  version: readonly [number, number];
  policy: Policy;
  knownBugs: readonly KnownBug[];
  /** The goldens that pin the policy to this kernel (folders of the repository). */
  goldens: readonly string[];
  /** Whether the goldens were measured on this kernel, or the entry was read from its source only. */
  measured: boolean;
  /** Where the entry comes from. */
  source: string;
}

const bug = (id: string): KnownBug => KNOWN_BUGS.find((b) => b.id === id)!;

export const LINUX_6_18: KernelVersion = {
  id: 'linux-6.18',
  title: 'Linux 6.18',
  release: /^6\.18(\.|-|\+|$)/,
  version: [6, 18],
  policy: linux,
  knownBugs: KNOWN_BUGS,
  goldens: ['scenarios/golden/semantics', 'scenarios/golden/observed', 'scenarios/golden/kernel-runs'],
  measured: true,
  source: 'measured on Linux 6.18 (the goldens of scenarios/golden/)',
};

/** Mainline of the v7.3 cycle: 6.18 plus the restore-on-zap fix (__unmap_hugepage_range restores a
 *  reservation only when the folio is no longer mapped, so a fork child's page keeps it consumed);
 *  the other known bugs are still in its source. */
const fixed73 = bug('restore-reserve-still-mapped');
export const MAINLINE_7_3: KernelVersion = {
  id: 'linux-7.3',
  title: 'Linux 7.3 (mainline, from source)',
  release: /^7\.3(\.|-|\+|$)/,
  version: [7, 3],
  policy: definePolicy(fixed73.fix(linux), {
    name: 'linux-7.3',
    description: 'mainline of the v7.3 cycle, read from source (not measured): linux-6.18 with restore-on-zap only for a folio no longer mapped',
    overrides: {},
  }),
  knownBugs: KNOWN_BUGS.filter((b) => b !== fixed73),
  goldens: ['scenarios/golden/semantics', 'scenarios/golden/kernel-runs'],
  measured: false,
  source: 'from source, not measured: mainline mm/hugetlb.c of the v7.3-rc cycle, __unmap_hugepage_range',
};

export const KERNELS: readonly KernelVersion[] = [LINUX_6_18, MAINLINE_7_3];

export function findKernel(id: string): KernelVersion | undefined {
  return KERNELS.find((k) => k.id === id);
}

export interface KernelChoice {
  kernel: KernelVersion;
  /** The release matched the entry's pattern (false: the closest entry was taken instead). */
  matched: boolean;
  /** One line that names the model used, for anything but a measured exact match. */
  note?: string;
}

/** `[major, minor]` of a `uname -r` string, or undefined. */
function versionOf(release: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The entry that models a `uname -r`: the one whose pattern matches, else the newest entry not
 *  newer than it (the oldest entry when the release predates them all, or is not a version), with a
 *  note saying so. */
export function kernelForRelease(release: string): KernelChoice {
  const exact = KERNELS.find((k) => k.release.test(release));
  if (exact) return { kernel: exact, matched: true, ...(exact.measured ? {} : { note: `Linux ${release}: modelled by ${exact.id} (${exact.source})` }) };
  const v = versionOf(release);
  const versions = KERNELS.map((k) => [k, k.version] as const).sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1]);
  const below = v ? versions.filter(([, kv]) => kv[0] < v[0] || (kv[0] === v[0] && kv[1] <= v[1])) : [];
  const kernel = (below.length ? below[below.length - 1]! : versions[0]!)[0];
  return { kernel, matched: false, note: `Linux ${release} has no entry of its own in the kernel registry: using the model of ${kernel.title} (${kernel.id}); pass --kernel-model to choose another` };
}

/** The policy that models a `uname -r` (kernelForRelease's entry). */
export function policyForRelease(release: string): Policy {
  return kernelForRelease(release).kernel.policy;
}
