/** The invariant catalogue: the executable specification, in the order `hugecheck invariants` prints it. */
import type { Invariant } from './invariant';
import { admission } from './invariants/admission';
import { countersNonnegative } from './invariants/counters-nonnegative';
import { documentedResults } from './invariants/documented-results';
import { eofSigbus } from './invariants/eof-sigbus';
import { errorAtomicity } from './invariants/error-atomicity';
import { exactConsumption } from './invariants/exact-consumption';
import { faultProgress } from './invariants/fault-progress';
import { overcommitLimit } from './invariants/overcommit-limit';
import { ownerNeverFaults } from './invariants/owner-never-faults';
import { poolConservation } from './invariants/pool-conservation';
import { poolSize } from './invariants/pool-size';
import { privateIsolation } from './invariants/private-isolation';
import { quiescentClean } from './invariants/quiescent-clean';
import { quietClean } from './invariants/quiet-clean';
import { quotaQuiescent } from './invariants/quota-quiescent';
import { reserveBacked } from './invariants/reserve-backed';
import { resizeKeepsReservations } from './invariants/resize-keeps-reservations';
import { sharedNeverFaults } from './invariants/shared-never-faults';
import { stealOnlyWhenNeeded } from './invariants/steal-only-when-needed';
import { subpoolBounds } from './invariants/subpool-bounds';
import { unreservedIsolation } from './invariants/unreserved-isolation';

export const CATALOGUE: readonly Invariant[] = [
  countersNonnegative,
  reserveBacked,
  poolConservation,
  quiescentClean,
  ownerNeverFaults,
  sharedNeverFaults,
  admission,
  unreservedIsolation,
  exactConsumption,
  errorAtomicity,
  privateIsolation,
  eofSigbus,
  subpoolBounds,
  resizeKeepsReservations,
  quotaQuiescent,
  stealOnlyWhenNeeded,
  faultProgress,
  documentedResults,
  poolSize,
  quietClean,
  overcommitLimit,
];

export function findInvariant(id: string): Invariant | undefined {
  return CATALOGUE.find((i) => i.id === id);
}
