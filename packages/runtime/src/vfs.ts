// Virtual file system: the guest sees only host directories mapped with --dir HOST[:GUEST][:rw],
// plus a few devices under /dev, a few generated files under /proc and /sys, and read-only virtual
// directories that lead to mount points.
// Paths are resolved component by component in the guest namespace; symlinks are read on the
// host and followed only when their target stays inside a mount. Invariant: resolve() never
// yields a host path outside a mount's (real) host root.
import { FerryError } from '@ferry/util';
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import * as hostPath from 'node:path';
import { E, fail } from './syscalls/errno.js';

export interface DirMapping {
  host: string;
  guest: string;
  writable: boolean;
}

export const DEVICES = ['null', 'zero', 'random', 'urandom'] as const;
export type DeviceName = (typeof DEVICES)[number];

/** Read-only files the kernel writes on open (procfs.ts), as qemu-user and Linux provide them. */
export const GENERATED_FILES = [
  '/proc/self/maps', '/proc/self/cmdline', '/proc/cpuinfo', '/proc/meminfo', '/sys/devices/system/cpu/online', '/sys/devices/system/cpu/possible',
] as const;
export type GeneratedFile = (typeof GENERATED_FILES)[number];

export type Resolved =
  | { kind: 'host'; guestPath: string; hostPath: string; mount: Mount }
  | { kind: 'virtual'; guestPath: string }
  | { kind: 'device'; guestPath: string; device: DeviceName }
  | { kind: 'generated'; guestPath: string; file: GeneratedFile };

export interface Mount {
  guest: string;
  /** Real (symlink-free) host path of the mounted directory. */
  host: string;
  writable: boolean;
  components: string[];
}

const MAX_SYMLINKS = 40;

/** Parse `HOST[:GUEST][:rw|:ro]`; the guest path defaults to the absolute host path. */
export function parseDirMapping(spec: string): DirMapping {
  const parts = spec.split(':');
  let writable = false;
  if (parts.length > 1 && (parts.at(-1) === 'rw' || parts.at(-1) === 'ro')) writable = parts.pop() === 'rw';
  if (parts.length > 2 || parts[0] === '') {
    throw new FerryError(`--dir ${spec}: expected HOST[:GUEST][:rw]`);
  }
  const host = hostPath.resolve(parts[0]!);
  const guest = parts[1] ?? host;
  if (!guest.startsWith('/')) throw new FerryError(`--dir ${spec}: the guest path ${guest} must be absolute`);
  return { host, guest: hostPath.posix.normalize(guest).replace(/(.)\/+$/, '$1'), writable };
}

const splitPath = (path: string): string[] => path.split('/').filter((c) => c !== '' && c !== '.');
const joinGuest = (components: readonly string[]): string => '/' + components.join('/');

export class Vfs {
  readonly mounts: Mount[];
  /** Guest path of the current working directory. */
  cwd: string;

  constructor(mappings: DirMapping[]) {
    this.mounts = mappings.map((m) => {
      let real: string;
      try {
        real = realpathSync(m.host);
        if (!statSync(real).isDirectory()) throw new FerryError(`--dir ${m.host}: not a directory`);
      } catch (error) {
        if (error instanceof FerryError) throw error;
        throw new FerryError(`--dir ${m.host}: no such directory`);
      }
      return { guest: m.guest, host: real, writable: m.writable, components: splitPath(m.guest) };
    });
    this.cwd = this.mounts[0]?.guest ?? '/';
    // Longest guest path first, so nested mounts win over their parents.
    this.mounts.sort((a, b) => b.components.length - a.components.length);
  }

  /** The mount whose guest path is the longest prefix of `components`, if any. */
  mountFor(components: readonly string[]): Mount | undefined {
    return this.mounts.find((m) => m.components.every((c, i) => components[i] === c));
  }

  /** Resolve a guest path against `base` (a guest directory, default cwd). With followFinal false
   *  a final symlink is not followed (lstat, unlink, readlink). Throws SyscallError. */
  resolve(path: string, followFinal = true, base = this.cwd): Resolved {
    if (path === '') fail(E.ENOENT);
    if (path.length >= 4096) fail(E.ENAMETOOLONG);
    let current: string[] = path.startsWith('/') ? [] : splitPath(base);
    let pending = path.split('/');
    let links = 0;
    while (pending.length > 0) {
      const component = pending.shift()!;
      if (component === '' || component === '.') continue;
      if (component === '..') {
        current.pop();
        continue;
      }
      current.push(component);
      const isFinal = pending.every((c) => c === '' || c === '.');
      const mount = this.mountFor(current);
      if (!mount || (isFinal && !followFinal)) continue;
      const host = this.hostPathIn(mount, current);
      let stat;
      try {
        stat = lstatSync(host);
      } catch {
        if (isFinal) continue;
        return fail(E.ENOENT);
      }
      if (stat.isSymbolicLink()) {
        if (++links > MAX_SYMLINKS) fail(E.ELOOP);
        const target = hostPath.resolve(hostPath.dirname(host), readlinkSync(host));
        const guestTarget = this.guestPathOf(target);
        if (guestTarget === undefined) fail(E.EACCES);
        current = [];
        pending = [...splitPath(guestTarget!), ...pending];
      } else if (!isFinal && !stat.isDirectory()) {
        fail(E.ENOTDIR);
      }
    }
    return this.classify(current);
  }

  /** The guest path for a host path inside some mount, or undefined when it is outside all. */
  guestPathOf(host: string): string | undefined {
    let best: { mount: Mount; rest: string[] } | undefined;
    for (const mount of this.mounts) {
      const rel = hostPath.relative(mount.host, host);
      if (rel === '..' || rel.startsWith('..' + hostPath.sep) || hostPath.isAbsolute(rel)) continue;
      const rest = splitPath(rel.split(hostPath.sep).join('/'));
      if (!best || mount.host.length > best.mount.host.length) best = { mount, rest };
    }
    if (!best) return undefined;
    const guest = joinGuest([...best.mount.components, ...best.rest]);
    // The host path must come back to the same place through the guest namespace.
    const again = this.mountFor(splitPath(guest));
    return again === best.mount ? guest : undefined;
  }

  /** Children of a virtual directory: the next components of mount points and devices below it. */
  virtualChildren(guestPath: string): string[] {
    const components = splitPath(guestPath);
    const below = [
      ...this.mounts.map((m) => m.components),
      ...DEVICES.map((d) => ['dev', d]).filter((c) => !this.mountFor(c)),
      ...GENERATED_FILES.map((f) => splitPath(f)).filter((c) => !this.mountFor(c)),
    ];
    const names = new Set<string>();
    for (const path of below) {
      if (path.length > components.length && components.every((c, i) => path[i] === c)) names.add(path[components.length]!);
    }
    return [...names].sort();
  }

  private hostPathIn(mount: Mount, components: readonly string[]): string {
    return hostPath.join(mount.host, ...components.slice(mount.components.length));
  }

  private classify(components: string[]): Resolved {
    const guestPath = joinGuest(components);
    const mount = this.mountFor(components);
    if (mount) return { kind: 'host', guestPath, hostPath: this.hostPathIn(mount, components), mount };
    if (components.length === 2 && components[0] === 'dev' && (DEVICES as readonly string[]).includes(components[1]!)) {
      return { kind: 'device', guestPath, device: components[1] as DeviceName };
    }
    if ((GENERATED_FILES as readonly string[]).includes(guestPath)) return { kind: 'generated', guestPath, file: guestPath as GeneratedFile };
    if (components.length === 0 || this.virtualChildren(guestPath).length > 0) return { kind: 'virtual', guestPath };
    return fail(E.ENOENT);
  }
}
