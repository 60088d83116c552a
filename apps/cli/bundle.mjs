// Bundles the CLI into one CommonJS file: resolving ~200 modules at start-up costs more than the
// work of an injection, and a CommonJS bundle can be compiled from V8's code cache by
// bin/codeinject (ES modules cannot, on Node 20). dockerode stays external and is required only
// by the slow commands.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Code caches of an earlier bundle (bin/codeinject names them after it) and the ES-module bundle
// of earlier versions are dead weight.
for (const name of readdirSync('dist'))
  if (name.endsWith('.cache') || name === 'codeinject.mjs') rmSync(`dist/${name}`);

await build({
  entryPoints: ['dist/main.js'],
  outfile: 'dist/codeinject.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['dockerode'],
  // The one import.meta use (finding toolchain/ next to dist/) keeps working in CommonJS.
  define: { 'import.meta.url': '__codeinjectBundleUrl' },
  banner: { js: "const __codeinjectBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
