// Prints "N passed, N failed[, N skipped]" as the very last line of a Jest run. Jest adds its own
// summary reporter after custom ones, so the line is written when the process exits. Under
// test/support/run-tests.js (npm test), which runs Jest twice, the counts go to the file named by
// HUGECHECK_TEST_SUMMARY instead and the runner prints the one line for both runs.
const { appendFileSync } = require('fs');

class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    const file = process.env.HUGECHECK_TEST_SUMMARY;
    if (file) {
      appendFileSync(file, JSON.stringify(counts) + '\n');
      return;
    }
    process.once('exit', () => process.stdout.write(`${line(counts)}\n`));
  }
}

function line(c) {
  return `${c.passed} passed, ${c.failed} failed` + (c.skipped > 0 ? `, ${c.skipped} skipped` : '');
}

module.exports = PlainSummaryReporter;
module.exports.line = line;
