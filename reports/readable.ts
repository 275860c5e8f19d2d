/**
 * The readable trace: a scenario run on the model, step by step, in kernel terms. For each step the
 * op as a system call, its result, the counters with what changed, every live process with its
 * mappings and the state of each page, the kernel functions that ran, and the invariants that broke
 * there (each in one sentence). The Markdown, HTML and terminal renderings all draw from this.
 */
import { OPS } from '../ops';
import { labelBugs, labelViolation } from '../checker/label';
import { upstreamStatus } from '../model/policies/known-bugs';
import { instrumentPolicy, kernelName, type KernelCall } from '../model/instrument';
import { Machine } from '../run/machine';
import type { Policy } from '../model/policy';
import { pageState, type PageState } from '../model/page-state';
import type { Inode } from '../model/state';
import { CATALOGUE } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';
import { judgeOnModel } from '../run/model';
import type { Counters, Mismatch, Observation, Scenario, Step } from '../scenario/types';
import { describeStep } from './describe';

export type { PageState } from '../model/page-state';

export const PAGE_SYMBOL: Record<PageState, string> = {
  present: 'P',
  shared: 'S',
  cached: 'C',
  reserved: 'R',
  none: '.',
  poisoned: 'X',
  unmapped: '_',
};

export interface MappingView {
  name: string;
  pages: PageState[];
  /** What backs it: `private anon`, `shared file f0@2`, `shm s0` ... */
  kind: string;
  /** The VMA flags that matter: `owner`, `noreserve`, `r`/`none` protection. */
  flags: string[];
  /** Page values (first byte) of present pages, by page index. */
  values: Record<number, number>;
}

export interface ProcessView {
  name: string;
  mappings: MappingView[];
}

export interface StepReport {
  index: number;
  step: Step;
  /** The op in kernel terms: `p0: a = mmap(2 hp, MAP_PRIVATE|MAP_HUGETLB)`. */
  op: string;
  observation: Observation;
  /** Counters this step changed. */
  changed: (keyof Counters)[];
  /** Kernel functions that ran, in call order, with their nesting depth (kernel spelling). */
  calls: Array<{ fn: string; depth: number }>;
  /** Processes alive after the step. */
  processes: ProcessView[];
  /** Invariants first broken at this step, one sentence each. */
  violations: ViolationReport[];
  mismatches: Mismatch[];
}

export interface ViolationReport {
  invariant: string;
  title: string;
  message: string;
  /** The known kernel bug that explains it (its fix makes the invariant hold), if any. */
  /** The known bugs whose fixes together remove it (checker/label.ts), with what the registry says. */
  knownBugs?: Array<{ id: string; title: string; reference: string; /** Where upstream Linux stands on it (model/policies/known-bugs.ts). */ upstream?: string }>;
  /** Set when only a fix that would erase the policy's own change removes it. */
  inseparable?: { bugs: string[]; functions: string[] };
}

export interface ProcessNode {
  name: string;
  /** Step that forked it; null for p0. */
  forkedAt: number | null;
  /** Step at which it exited; null if it lived to the teardown. */
  exitedAt: number | null;
  children: ProcessNode[];
}

export interface ReadableTrace {
  scenario: Scenario;
  policy: string;
  initial: Counters;
  steps: StepReport[];
  final: { observation: Observation; changed: (keyof Counters)[]; calls: Array<{ fn: string; depth: number }>; violations: ViolationReport[] };
  processTree: ProcessNode;
  /** Every violation, in step order ('final' last). */
  violations: Array<ViolationReport & { step: number | 'final' }>;
}

const KEYS: (keyof Counters)[] = ['total', 'free', 'rsvd', 'surp'];
const changedKeys = (a: Counters, b: Counters) => KEYS.filter((k) => a[k] !== b[k]);


function inodeLabel(inode: Inode, files: Array<[string, Inode]>, segs: Array<[string, Inode]>): string {
  if (inode.kind === 'anon') return 'anon';
  const named = (inode.kind === 'shm' ? segs : files).find(([, i]) => i === inode)?.[0];
  return `${inode.kind === 'shm' ? 'shm' : 'file'} ${named ?? `(unlinked #${inode.id})`}`;
}

function snapshot(m: Machine): ProcessView[] {
  const { procs, files, segs } = m.names();
  return procs.map(({ name, p, maps }) => ({
    name,
    mappings: maps
      .filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== null)
      .map(([mapName, b]) => {
        const pages: PageState[] = [];
        const values: Record<number, number> = {};
        for (let i = 0; i < b.pages; i++) {
          pages.push(pageState(p, b.start + i));
          const f = p.ptes.get(b.start + i);
          if (f) values[i] = f.value;
        }
        const vmas = p.vmas.filter((v) => v.start < b.start + b.pages && v.end > b.start);
        const v = vmas[0];
        const kind = v ? `${v.shared ? 'shared' : 'private'} ${inodeLabel(v.inode, files, segs)}${v.pgoff - (v.start - b.start) ? `@${v.pgoff - (v.start - b.start)}` : ''}` : 'unmapped';
        const flags = new Set<string>();
        for (const x of vmas) {
          if (!x.shared && x.owner) flags.add('owner');
          if (x.noreserve) flags.add('noreserve');
          if (x.prot !== 'rw') flags.add(`prot ${x.prot}`);
          if (x.unmapped) flags.add('resv-unmapped');
        }
        return { name: mapName, pages, kind, flags: [...flags], values };
      }),
  }));
}

/** Who forked whom and when each process exited, read from the steps' name effects (ops/,
 *  `names`): a created process with a parent, an ended process. */
function processTree(scenario: Scenario, obs: Observation[]): ProcessNode {
  const root: ProcessNode = { name: 'p0', forkedAt: null, exitedAt: null, children: [] };
  const live = new Map<string, ProcessNode>([['p0', root]]);
  scenario.steps.forEach((st, i) => {
    if (obs[i]!.result !== 'ok') return;
    const r = st as unknown as Record<string, unknown>;
    for (const u of OPS[st.op].names) {
      if (u.ns !== 'proc') continue;
      const name = r[u.field] as string;
      if (u.role === 'create' && u.inherit !== undefined) {
        const parent = live.get(r[u.inherit] as string);
        if (!parent) continue;
        const node: ProcessNode = { name, forkedAt: i, exitedAt: null, children: [] };
        parent.children.push(node);
        live.set(name, node);
      } else if (u.role === 'end') {
        const node = live.get(name);
        if (node) node.exitedAt = i;
        live.delete(name);
      }
    }
  });
  return root;
}

const toCalls = (calls: KernelCall[]) => calls.map((c) => ({ fn: kernelName(c.fn), depth: c.depth }));

/** Runs `scenario` on `policy` and explains every step. `labelKnownBugs` asks, for each violation,
 *  which known kernel bug's fix makes it hold (costs one model run per bug and violation). */
export function buildReadableTrace(scenario: Scenario, policy: Policy, opts: { invariants?: readonly Invariant[]; labelKnownBugs?: boolean } = {}): ReadableTrace {
  const invariants = opts.invariants ?? CATALOGUE;
  // One run, judged, with the kernel calls recorded and the processes drawn after each step.
  const ins = instrumentPolicy(policy);
  const steps: StepReport[] = [];
  let final!: ReadableTrace['final'];
  let initial!: Counters;
  let prev!: Counters;
  const judged = judgeOnModel(scenario, ins.policy, invariants, {
    namesEachStep: true,
    observers: (m) => {
      ins.take(); // the setup's sysctl writes belong to no step
      initial = prev = m.counters();
      return [
        {
          afterStep(index, observation) {
            const step = scenario.steps[index]!;
            steps.push({
              index,
              step,
              op: describeStep(step),
              observation,
              changed: changedKeys(prev, observation.counters),
              calls: toCalls(ins.take()),
              processes: snapshot(m),
              violations: [],
              mismatches: [],
            });
            prev = observation.counters;
          },
          afterTeardown(observation) {
            final = { observation, changed: changedKeys(prev, observation.counters), calls: toCalls(ins.take()), violations: [] };
          },
        },
      ];
    },
  });
  for (const mm of judged.trace.mismatches) steps[mm.step]!.mismatches.push(mm);
  const violations: ReadableTrace['violations'] = [];
  for (const inv of invariants) {
    const v = judged.violations.get(inv.id);
    if (!v) continue;
    const label = opts.labelKnownBugs ? labelViolation(policy, inv.id, scenario) : {};
    const bugs = labelBugs(label);
    const rep: ViolationReport = {
      invariant: inv.id,
      title: inv.title,
      message: v.message,
      ...(bugs.length ? { knownBugs: bugs.map((b) => ({ id: b.id, title: b.title, reference: b.reference, upstream: upstreamStatus(b) })) } : {}),
      ...(label.inseparable ? { inseparable: label.inseparable } : {}),
    };
    violations.push({ ...rep, step: v.step });
    (v.step === 'final' ? final.violations : steps[v.step]!.violations).push(rep);
  }
  violations.sort((a, b) => (a.step === 'final' ? Infinity : a.step) - (b.step === 'final' ? Infinity : b.step));
  return {
    scenario,
    policy: policy.name,
    initial,
    steps,
    final,
    processTree: processTree(scenario, steps.map((s) => s.observation)),
    violations,
  };
}

/** One sentence for a violation: `reserve-backed (every reservation is backed by a free page) broke at step 3: Rsvd 1 exceeds Free 0.` */
export function violationSentence(v: ViolationReport & { step: number | 'final' }): string {
  const where = v.step === 'final' ? 'after the teardown' : `at step ${v.step}`;
  const msg = v.message.replace(/\.$/, '');
  return `${v.invariant} (${v.title.charAt(0).toLowerCase()}${v.title.slice(1)}) broke ${where}: ${msg}.${v.knownBugs ? ` Known kernel bug${v.knownBugs.length > 1 ? 's' : ''} ${v.knownBugs.map((b) => b.id).join(' + ')}.${v.knownBugs.map((b) => (b.upstream ? ` ${b.id}: ${b.upstream}.` : '')).join('')}` : v.inseparable ? ` Not separable from known bug ${v.inseparable.bugs.join(' + ')} (the policy changes ${v.inseparable.functions.join(', ')}).` : ''}`;
}
