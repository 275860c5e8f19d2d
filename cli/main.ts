/**
 * The hugecheck command line. Exit codes: 0 = everything held, 1 = an expectation (or later an
 * invariant) failed, 2 = bad input (file, step, field, option), nothing run.
 */
import { Command, CommanderError } from 'commander';
import { checkCommand } from './check';
import { invariantsCommand } from './invariants';
import { runCommand } from './run';
import { UsageError } from './errors';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = new Command('hugecheck')
    .description('A property-based model checker for the Linux hugetlb huge-page reservation rules')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  let code = 0;
  program
    .command('check', { isDefault: true })
    .description('check the invariants over generated scenarios (the default command)')
    .option('--policy <name>', 'the policy to check', 'linux')
    .option('--runs <n>', 'generated scenarios per property', '1000')
    .option('--seed <n>', 'random seed (default: a fresh one, printed)')
    .option('--property <id>', 'check only this invariant (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--time-limit <seconds>', 'stop after this long (runs done then depend on the machine)')
    .option('--weights <list>', 'command weights over the defaults, e.g. fork=10,mount=0')
    .option('--max-commands <n>', 'longest generated scenario, in commands (default 50)')
    .option('--save <dir>', 'write each counterexample to DIR/<property>.json')
    .option('--json', 'print the report (hugecheck.report/1)')
    .action(async (opts) => {
      code = await checkCommand(opts, io);
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
    .option('--json', 'print the trace (hugecheck.trace/1) instead of the table')
    .action(async (file: string, opts: { policy: string; json?: boolean }) => {
      code = await runCommand(file, opts, io);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`hugecheck: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return code;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
