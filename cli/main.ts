/**
 * The hugecheck command line. Exit codes: 0 = everything held, 1 = an expectation (or later an
 * invariant) failed, 2 = bad input (file, step, field, option), nothing run.
 */
import { Command, CommanderError } from 'commander';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { diffPolicyCommand } from './diff-policy';
import { fuzzCommand } from './fuzz';
import { Interrupted } from './kernel-session';
import { KernelError, KernelRefused } from '../kernel/session';
import { invariantsCommand } from './invariants';
import { exploreCommand } from './explore';
import { mergeCommand } from './merge';
import { DEFAULT_DEPTH, DEFAULT_SCOPE, EXPLORE_OPS } from '../explore/scope';
import { reportCommand } from './report';
import { reproCommand } from './repro';
import { runCommand } from './run';
import { zooCommand } from './zoo';
import { POLICIES } from '../model/policies';
import { UsageError } from '../io/errors';
import type { Io } from './io';
import { DEFAULT_RUNS } from '../checker/check';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = new Command('hugecheck')
    .description('A property-based model checker for the Linux hugetlb huge-page reservation rules')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  let code = 0;
  // check and merge print the same report (cli/check.ts printReport), so they share its outputs.
  const reportOutputs = (c: Command) =>
    c
      .option('--save <dir>', 'write each counterexample to DIR/<property>.json')
      .option('--out <dir>', 'write for each counterexample its scenario, Markdown and HTML report, C reproducer and Jest test, and the run\'s report')
      .option('--json', 'print the report (hugecheck.report/1)');
  reportOutputs(program
    .command('check', { isDefault: true }))
    .description('check the invariants over generated scenarios (the default command)')
    .option('--policy <name>', 'the policy to check', 'linux')
    .option('--runs <n>', 'generated scenarios per property', String(DEFAULT_RUNS))
    .option('--seed <n>', 'random seed (default: a fresh one, printed)')
    .option('--property <id>', 'check only this invariant (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--time-limit <seconds>', 'stop after this long (runs done then depend on the machine)')
    .option('--weights <list>', 'command weights over the defaults, e.g. fork=10,mount=0')
    .option('--max-commands <n>', 'longest generated scenario, in commands (default 50)')
    .option('--stats', 'print what the runs exercised: steps and results per op, and per kernel function the runs that reached it, its calls and outcomes')
    .option('--generator <kind>', 'how scenarios are drawn: classic (every kind, default options), swarm (each scenario its own op kinds and options) or guided (classic plus a coverage-guided corpus)', 'classic')
    .option('--shortest', 'search each counterexample\'s scope however long it takes (by default the search stops after --shortest-budget scenarios)')
    .option('--shortest-budget <n>', 'scenarios the search for a shorter counterexample may run after shrinking (0: no search)', undefined)
    .option('--repeat <k>', 'check under k seeds in a row (seed, seed+1, ...): a longer campaign that shards and workers split', '1')
    .option('--workers <n>', 'worker threads (default: the number of cores when the campaign has 40,000 runs or more, else 1); the report is the same for any number')
    .option('--shard <i/n>', 'run the i-th of n parts of the campaign (every n-th seed and property); hugecheck merge puts the parts together')
    .action(async (opts) => {
      code = await checkCommand(opts, io);
    });
  reportOutputs(program
    .command('merge'))
    .description('merge the reports of a campaign\'s shards (check --shard i/n --json) into the report of the whole campaign')
    .argument('<files...>', 'the shards\' reports')
    .option('--policy <name>', 'the policy module, when the reports are of a policy loaded from a file')
    .option('--partial', 'merge even when shards are missing (the report then says so)')
    .action((files: string[], opts) => {
      code = mergeCommand(files, opts, io);
    });
  program
    .command('zoo')
    .description('check every historical bug of bug-zoo.md put back into the model')
    .option('--runs <n>', 'generated scenarios per property', String(DEFAULT_RUNS))
    .option('--seed <n>', 'random seed', '1')
    .option('--out <dir>', 'write for each counterexample its scenario, Markdown and HTML report, C reproducer and Jest test, and the run\'s report')
    .option('--json', 'print the matrix as JSON')
    .action(async (opts) => {
      code = await zooCommand(opts, io);
    });
  program
    .command('policies')
    .description('list the built-in policies')
    .action(() => {
      const w = Math.max(...[...POLICIES.keys()].map((n) => n.length));
      for (const p of POLICIES.values()) io.out(`${p.name.padEnd(w)}  ${p.description}\n`);
      io.out(`\nA policy of your own: --policy ./my-policy.ts (see the README, "Writing a policy").\n`);
    });
  program
    .command('invariants')
    .description('print the invariant catalogue')
    .option('--markdown', 'as docs/invariants.md')
    .action((opts: { markdown?: boolean }) => {
      code = invariantsCommand(opts, io);
    });
  program
    .command('run')
    .description('run a scenario on the model and check every step\'s expect')
    .argument('<scenario>', 'scenario file (hugecheck.scenario/1 JSON)')
    .option('--policy <name>', 'the policy to run under', 'linux')
    .option('--kernel', 'run it on the real kernel instead of the model (root, hugetlbfs)')
    .option('--allow-leak', 'with --kernel: also run scenarios that leave the pool changed until reboot')
    .option('--json', 'print the trace (hugecheck.trace/1) instead of the table')
    .option('--record <file>', 'with --kernel: write the scenario to FILE with every step expecting what the kernel did (a golden)')
    .option('--kernel-model <id>', 'the kernel registry entry to model the running kernel with (default: the one for uname -r, adjusted to the known-bug probe)')
    .action(async (file: string, opts: { policy: string; json?: boolean; kernel?: boolean; allowLeak?: boolean; record?: string; kernelModel?: string }) => {
      code = await runCommand(file, opts, io);
    });
  program
    .command('explore')
    .description('bounded exhaustive exploration: every scenario of a small scope up to a depth, shortest counterexamples')
    .option('--policy <name>', 'the policy to explore', 'linux')
    .option('--depth <n>', 'longest scenario, in steps', String(DEFAULT_DEPTH))
    .option('--procs <n>', `processes alive at once (default ${DEFAULT_SCOPE.procs})`)
    .option('--maps <n>', `mapping names per process (default ${DEFAULT_SCOPE.maps})`)
    .option('--pages <n>', `largest mapping in pages (default ${DEFAULT_SCOPE.pages})`)
    .option('--pool <n>', `nr_hugepages (default ${DEFAULT_SCOPE.pool})`)
    .option('--overcommit <n>', 'nr_overcommit_hugepages (default 0)')
    .option('--files <n>', 'files alive at once, for create (default 1 when create is among the ops)')
    .option('--segs <n>', 'segments alive at once, for shmget (default 1 when shmget is among the ops)')
    .option('--mount <spec>', 'a mount the mount op may make: size=N,min_size=N (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--ops <list>', `op kinds (default ${DEFAULT_SCOPE.ops.join(',')}; also ${EXPLORE_OPS.filter((x) => !DEFAULT_SCOPE.ops.includes(x)).join(',')}; see hugecheck explore --list-ops)`)
    .option('--list-ops', 'print what each op kind adds to the alphabet, and exit')
    .option('--workers <n>', 'worker threads that expand each level (default: the number of cores; the result is the same for any number)')
    .option('--property <id>', 'check only this invariant (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-symmetry', 'do not merge states that differ only in process and mapping names')
    .option('--json', 'print the result (hugecheck.explore/1)')
    .action(async (opts) => {
      code = await exploreCommand(opts, io);
    });
  program
    .command('report')
    .description('a readable report of a scenario, a check result (check --json) or a zoo result (zoo --json)')
    .argument('<file>', 'scenario (hugecheck.scenario/1), check report (hugecheck.report/1) or zoo result (hugecheck.zoo/1)')
    .option('--format <fmt>', 'md (for a mail or an issue) or html (one self-contained file)', 'md')
    .option('--policy <name>', 'the policy to run a scenario under (default: linux, or the report\'s own)')
    .action((file: string, opts: { format: string; policy?: string }) => {
      code = reportCommand(file, opts, io);
    });
  program
    .command('repro')
    .description('a standalone C program that runs the scenario on a real kernel and checks every step (stdout)')
    .argument('<scenario>', 'scenario file')
    .option('--policy <name>', 'the model that predicts what the scenario leaves unsaid (and the Jest test\'s policy)', 'linux')
    .option('--only-declared', 'check only what the scenario\'s expect fields say')
    .option('--jest', 'print a Jest regression test that replays it on the model instead')
    .action((file: string, opts: { policy: string; jest?: boolean; onlyDeclared?: boolean }) => {
      code = reproCommand(file, opts, io);
    });
  program
    .command('diff')
    .description('run a scenario on the model and on the kernel and show the first divergence')
    .argument('<scenario>', 'scenario file')
    .option('--policy <name>', 'the model policy (default: the running kernel\'s model)')
    .option('--kernel-model <id>', 'the kernel registry entry to model the running kernel with (default: the one for uname -r, adjusted to the known-bug probe)')
    .option('--allow-leak', 'also run scenarios that leave the pool changed until reboot')
    .option('--json', 'print the divergence as JSON')
    .action(async (file: string, opts) => {
      code = await diffCommand(file, opts, io);
    });
  program
    .command('diff-policy')
    .description('the minimal scenarios on which two policies\' traces differ, one per kind of first difference')
    .requiredOption('--policy <name>', 'the policy (a built-in name or a module ./my-policy.ts)')
    .option('--against <name>', 'the policy to compare it with', 'linux')
    .option('--runs <n>', 'generated scenarios per search', '1000')
    .option('--seed <n>', 'random seed (default: a fresh one, printed)')
    .option('--max <n>', 'distinct differences (op and field of the first differing step) to find at most', '5')
    .option('--weights <list>', 'command weights over the defaults, e.g. fork=10,mount=0')
    .option('--max-commands <n>', 'longest generated scenario, in commands (default 50)')
    .option('--save <dir>', 'write each minimal scenario to DIR (expect = what --policy does)')
    .option('--json', 'print the result (hugecheck.diff-policy/1)')
    .action((opts) => {
      code = diffPolicyCommand(opts, io);
    });
  program
    .command('fuzz')
    .description('generated scenarios on the model and on the kernel; divergences shrunk to minimal scenarios')
    .option('--runs <n>', 'scenarios to generate', '200')
    .option('--seed <n>', 'random seed (default: a fresh one, printed)')
    .option('--policy <name>', 'the model policy (default: the running kernel\'s model)')
    .option('--kernel-model <id>', 'the kernel registry entry to model the running kernel with (default: the one for uname -r, adjusted to the known-bug probe)')
    .option('--weights <list>', 'command weights over the defaults')
    .option('--max-commands <n>', 'longest generated scenario (default 30)')
    .option('--allow-leak', 'also run scenarios that leave the pool changed until reboot')
    .option('--save <dir>', 'write each minimal divergent scenario to DIR')
    .action(async (opts) => {
      code = await fuzzCommand(opts, io);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`hugecheck: ${e.message}\n`);
      return 2;
    }
    if (e instanceof Interrupted) return 130;
    if (e instanceof KernelError || e instanceof KernelRefused) {
      // A hung step, a crashed driver or a stopped session: the session's clean-up has run.
      io.err(`hugecheck: kernel: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return code;
}

function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
