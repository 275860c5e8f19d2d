#!/usr/bin/env node
'use strict';
// Entry point: the CLI is compiled to dist/ by `npm install` (the package's prepare script).
process.stdout.on('error', (e) => { if (e && e.code === 'EPIPE') process.exit(0); throw e; });
const path = require('path');
const fs = require('fs');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('hugecheck: not built yet; run `npm install` (or `npm run build`) in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(main).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`hugecheck: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
