// Prints "N passed, N failed[, N skipped]" as the very last line of a Jest run. Jest adds its own
// summary reporter after custom ones, so the line is written when the process exits.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line =
      `${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed` +
      (skipped > 0 ? `, ${skipped} skipped` : '');
    process.once('exit', () => process.stdout.write(`${line}\n`));
  }
}
module.exports = PlainSummaryReporter;
