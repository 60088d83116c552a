// Bundles the CLI into one file: resolving ~200 modules at start-up costs more than the work of
// an injection. dockerode stays external and is imported only by the slow commands.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/main.js'],
  outfile: 'dist/codeinject.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['dockerode'],
  // dockerode is a dependency of this package for that reason: the bundle imports it by name.
  // CommonJS dependencies (commander, dockerfile-ast) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
