import { readFileSync } from 'node:fs';
import { run } from '../exec.js';

/** Mount points at or below `dir`, deepest first, from this process's mount table. */
export function mountsBelow(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((point): point is string => point?.startsWith(prefix) ?? false)
      // mountinfo escapes spaces and such as octal: decode before handing the path to umount
      .map((point) =>
        point.replace(/\\([0-7]{3})/g, (_match, octal: string) =>
          String.fromCharCode(Number.parseInt(octal, 8)),
        ),
      )
      .sort((a, b) => b.length - a.length)
  );
}

/** Unmounts everything below `dir` (pod volumes, container root filesystems, shm) that a crash left. */
export async function unmountBelow(dir: string): Promise<void> {
  for (const point of mountsBelow(dir)) {
    await run('umount', ['--lazy', point]).catch(() => undefined); // already gone with its parent
  }
}
