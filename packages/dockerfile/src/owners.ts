// Names in `COPY --chown=user:group`, resolved the way the builders do: against the image's own
// /etc/passwd and /etc/group; a user alone also gives its primary group (BuildKit
// dockerfile2llb parseUser / the legacy builder's idtools lookup).

export interface OwnerDirectory {
  users: Map<string, { uid: number; gid: number }>;
  groups: Map<string, number>;
}

export function parseOwnerDirectory(passwd: string, group: string): OwnerDirectory {
  const users = new Map<string, { uid: number; gid: number }>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid !== undefined && gid !== undefined)
      users.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  const groups = new Map<string, number>();
  for (const line of group.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid !== undefined) groups.set(name, Number(gid));
  }
  return { users, groups };
}

/** True when a `--chown` value names a user or group rather than giving numbers. */
export function chownNeedsNames(chown: string | undefined): boolean {
  return chown !== undefined && chown !== '' && !/^\d+(:\d+)?$/.test(chown);
}
