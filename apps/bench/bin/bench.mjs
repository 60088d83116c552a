#!/usr/bin/env node
// Placeholder until the benchmark runner (issue 5) lands: it must not pretend to measure.
console.error('codeinject bench: the benchmark runner is not built yet (see issue 5); nothing was measured');
process.exit(1);
