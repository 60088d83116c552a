// Every package splits its tests the same way: fast unit tests beside the code (src/**/*.test.ts)
// and integration tests against the real Docker engine in test/ (tagged by folder, so
// `vitest --project unit` runs without an engine).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';

export function vitestProjects(packageDir: string): TestProjectInlineConfiguration[] {
  const projects: TestProjectInlineConfiguration[] = [
    { test: { name: 'unit', root: packageDir, include: ['src/**/*.test.ts'] } },
  ];
  if (existsSync(join(packageDir, 'test'))) {
    projects.push({
      test: {
        name: 'integration',
        root: packageDir,
        include: ['test/**/*.test.ts'],
        globalSetup: [join(import.meta.dirname, 'scripts', 'integration-setup.ts')],
        testTimeout: 180_000,
        hookTimeout: 300_000,
        fileParallelism: false,
      },
    });
  }
  return projects;
}
