// Vitest global setup for integration projects: the same engine and base images the README's
// commands prepare, so running one package's tests alone also works.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync('bash', [join(root, 'scripts', 'ensure-docker.sh')], { stdio: 'inherit' });
  execFileSync('bash', [join(root, 'fixtures', 'base-images', 'build.sh')], { stdio: 'inherit' });
}
