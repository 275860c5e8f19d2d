/** Opening a kernel session from the CLI: clear refusals (exit 2), Ctrl-C, and the restore check. */
import { KernelRefused, KernelSession, KernelUnavailable } from '../kernel/session';
import { UsageError } from '../io/errors';
import type { Io } from './io';

export class Interrupted extends Error {}

export async function withKernel<T>(io: Io, fn: (s: KernelSession, interrupted: () => boolean) => Promise<T>): Promise<T> {
  let session: KernelSession;
  try {
    session = await KernelSession.open();
  } catch (e) {
    if (e instanceof KernelUnavailable) throw new UsageError(`the kernel cannot be used here: ${e.message}`);
    if (e instanceof KernelRefused) throw new UsageError(e.message);
    throw e;
  }
  for (const n of session.notes) io.err(`hugecheck: ${n}\n`);
  const seen = session.notes.length;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.err('\nhugecheck: interrupted; restoring the huge page pool...\n');
    void session.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
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
