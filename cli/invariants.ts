/** `hugecheck invariants [--markdown]`: the catalogue. */
import { renderInvariantsMarkdown, renderInvariantsText } from '../reports/invariants';
import type { Io } from './io';

export function invariantsCommand(opts: { markdown?: boolean }, io: Io): number {
  io.out((opts.markdown ? renderInvariantsMarkdown() : renderInvariantsText()) + '\n');
  return 0;
}
