/** Runs the hugecheck command line in-process and collects what it printed and its exit code. */
import { main } from '../../cli/main';
import type { Io } from '../../cli/io';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}
