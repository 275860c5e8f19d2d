/**
 * Recovery from a driver that was killed outright (SIGKILL, a machine-level timeout): the driver
 * journals the settings it found and every mount and segment it made; a journal whose process is
 * gone is replayed backwards here: unmount, remove segments, restore both settings.
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'fs';
import { join } from 'path';

export const JOURNAL_DIR = '/var/tmp/hugecheck';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Restores what interrupted runs left; returns one line per action, for the user. */
export function recoverInterruptedRuns(): string[] {
  if (!existsSync(JOURNAL_DIR)) return [];
  const done: string[] = [];
  for (const name of readdirSync(JOURNAL_DIR)) {
    const m = /^journal\.(\d+)$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const file = join(JOURNAL_DIR, name);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    let settings: [string, string] | undefined;
    let workdir: string | undefined;
    const mounts: string[] = [];
    const segs: string[] = [];
    for (const l of lines) {
      const [k, ...rest] = l.split(' ');
      if (k === 'settings') settings = [rest[0]!, rest[1]!];
      else if (k === 'workdir') workdir = rest[0];
      else if (k === 'mount') mounts.push(rest[0]!);
      else if (k === 'shm') segs.push(rest[0]!);
    }
    for (const dir of mounts.reverse()) {
      if (readFileSync('/proc/mounts', 'utf8').split('\n').some((x) => x.split(' ')[1] === dir)) {
        try {
          execFileSync('umount', [dir], { stdio: 'ignore' });
        } catch {
          execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
        }
        done.push(`unmounted ${dir}`);
      }
      try {
        rmdirSync(dir);
      } catch {
        /* already gone */
      }
    }
    for (const id of segs) {
      try {
        execFileSync('ipcrm', ['-m', id], { stdio: 'ignore' });
        done.push(`removed SysV segment ${id}`);
      } catch {
        /* already removed */
      }
    }
    if (settings) {
      writeFileSync('/proc/sys/vm/nr_overcommit_hugepages', settings[1]);
      writeFileSync('/proc/sys/vm/nr_hugepages', settings[0]);
      done.push(`restored nr_hugepages=${settings[0]} nr_overcommit_hugepages=${settings[1]}`);
    }
    if (workdir) {
      try {
        rmdirSync(workdir);
      } catch {
        /* gone or not empty */
      }
    }
    unlinkSync(file);
    done.unshift(`recovered from an interrupted kernel run (driver pid ${m[1]}):`);
  }
  return done;
}
