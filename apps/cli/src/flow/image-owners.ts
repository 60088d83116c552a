// The users and groups of an image (its /etc/passwd and /etc/group), for COPY --chown by name.
import type { Engine } from '@codeinject/docker';
import { type OwnerDirectory, parseOwnerDirectory } from '@codeinject/dockerfile';

export async function imageOwners(engine: Engine, image: string): Promise<OwnerDirectory | undefined> {
  const [passwd, group] = await Promise.all([
    engine.readFile(image, '/etc/passwd').catch(() => undefined),
    engine.readFile(image, '/etc/group').catch(() => undefined),
  ]);
  return passwd && group ? parseOwnerDirectory(passwd.toString('utf8'), group.toString('utf8')) : undefined;
}
