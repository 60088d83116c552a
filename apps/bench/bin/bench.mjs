#!/usr/bin/env node
// Runs the built benchmark runner (pnpm build) with the arguments given to `pnpm bench`.
import('../dist/main.js');
