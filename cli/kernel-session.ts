/** Opening a kernel session from the CLI: clear refusals (exit 2), Ctrl-C, and the restore check. */
import { KernelRefused, KernelSession, KernelUnavailable } from '../kernel/session';
import { UsageError } from '../io/errors';
import { findKernel, KERNELS } from '../model/kernels';
import { modelAfterProbe, probeKnownBugs } from '../kernel/probe';
import type { Io } from './io';

export class Interrupted extends Error {}

export interface KernelOptions {
  /** A kernel registry id (model/kernels.ts): the model to use instead of the one the release and
   *  the known-bug probe choose. */
  kernelModel?: string;
}

/** The kernel registry entry --kernel-model names, or a UsageError listing them. */
export function kernelModelOption(id: string | undefined) {
  if (id === undefined) return undefined;
  const k = findKernel(id);
  if (!k) throw new UsageError(`--kernel-model ${id}: no such kernel in the registry (known: ${KERNELS.map((x) => x.id).join(', ')})`);
  return k;
}

/**
 * Opens a kernel session, chooses the model of the running kernel and runs `fn`. The model is the
 * kernel registry's entry for `uname -r` (model/kernels.ts), adjusted to what the known-bug probe
 * (kernel/probe.ts) sees on this machine, unless --kernel-model names one; one line on stderr says
 * which model is used and which known bugs the kernel shows.
 */
export async function withKernel<T>(io: Io, fn: (s: KernelSession, interrupted: () => boolean) => Promise<T>, opts: KernelOptions = {}): Promise<T> {
  const chosen = kernelModelOption(opts.kernelModel);
  let session: KernelSession;
  try {
    session = await KernelSession.open();
  } catch (e) {
    if (e instanceof KernelUnavailable) throw new UsageError(`the kernel cannot be used here: ${e.message}`);
    if (e instanceof KernelRefused) throw new UsageError(e.message);
    throw e;
  }
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.err('\nhugecheck: interrupted; restoring the huge page pool...\n');
    void session.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let seen = 0;
  try {
    const kernel = chosen ?? session.choice.kernel;
    if (chosen) {
      // The release's own choice (and its note) give way to the one asked for.
      const own = session.choice.note;
      if (own) session.notes.splice(session.notes.indexOf(own), 1);
      session.choice = { kernel: chosen, matched: chosen.release.test(session.release), note: `Linux ${session.release}: using the model of ${chosen.title} (${chosen.id}), as --kernel-model asks` };
      session.model = chosen.policy;
    }
    const probe = await probeKnownBugs(session, kernel, { stop: () => interrupted });
    // --kernel-model is taken as it is; otherwise the entry is adjusted to what the probe saw.
    if (!chosen) session.model = modelAfterProbe(kernel, probe);
    for (const n of session.notes) io.err(`hugecheck: ${n}\n`);
    if (chosen) io.err(`hugecheck: ${session.choice.note}\n`);
    io.err(`hugecheck: ${probeSummary(session.release, kernel, session.model.name, probe)}\n`);
    seen = session.notes.length;
    return await fn(session, () => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    for (const n of session.notes.slice(seen)) io.err(`hugecheck: ${n}\n`);
    const problems = await session.close();
    if (problems.length) io.err(`hugecheck: WARNING: the machine is not as it was: ${problems.join('; ')}\n`);
    if (interrupted) throw new Interrupted('interrupted');
  }
}

/** One line: the model used for this kernel and what the known-bug probe saw. */
function probeSummary(release: string, kernel: { id: string; title: string }, model: string, probe: Awaited<ReturnType<typeof probeKnownBugs>>): string {
  const by = (v: string) => probe.filter((r) => r.verdict === v).map((r) => r.bug.id);
  const parts = [
    by('shows').length ? `shows ${by('shows').join(', ')}` : 'shows none of them',
    by('lacks').length ? `does not show ${by('lacks').join(', ')}` : '',
    by('unclear').length ? `unclear for ${by('unclear').join(', ')}` : '',
    by('not run').length ? `not probed: ${by('not run').join(', ')}` : '',
  ].filter(Boolean);
  return `kernel ${release}: model ${model} (${kernel.title}); known-bug probe (${probe.length} known bugs): ${parts.join('; ')}`;
}

