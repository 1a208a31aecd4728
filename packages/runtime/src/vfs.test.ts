// The virtual file system: --dir parsing, resolution inside mounts, and every way out refused.
import { FerryError } from '@ferry/util';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E, SyscallError } from './syscalls/errno.js';
import { Vfs, parseDirMapping } from './vfs.js';

let root: string;
let vfs: Vfs;

function errnoOf(action: () => unknown): number {
  try {
    action();
  } catch (error) {
    if (error instanceof SyscallError) return error.errno;
    throw error;
  }
  throw new Error('expected a SyscallError');
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ferry-vfs-')));
  mkdirSync(join(root, 'mnt', 'sub'), { recursive: true });
  mkdirSync(join(root, 'other'));
  writeFileSync(join(root, 'secret.txt'), 'host secret');
  writeFileSync(join(root, 'mnt', 'sub', 'file.txt'), 'inside');
  symlinkSync('sub/file.txt', join(root, 'mnt', 'inside-link'));
  symlinkSync(join(root, 'secret.txt'), join(root, 'mnt', 'escape-absolute'));
  symlinkSync('../secret.txt', join(root, 'mnt', 'escape-relative'));
  symlinkSync('/etc', join(root, 'mnt', 'etc-link'));
  symlinkSync(join(root, 'other'), join(root, 'mnt', 'to-other-mount'));
  vfs = new Vfs([
    { host: join(root, 'mnt'), guest: '/data', writable: false },
    { host: join(root, 'other'), guest: '/srv/other', writable: true },
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseDirMapping', () => {
  it('reads HOST, HOST:GUEST and the rw flag', () => {
    expect(parseDirMapping('/tmp/x')).toEqual({ host: '/tmp/x', guest: '/tmp/x', writable: false });
    expect(parseDirMapping('/tmp/x:/work')).toEqual({ host: '/tmp/x', guest: '/work', writable: false });
    expect(parseDirMapping('/tmp/x:/work/:rw')).toEqual({ host: '/tmp/x', guest: '/work', writable: true });
    expect(parseDirMapping('/tmp/x:rw')).toEqual({ host: '/tmp/x', guest: '/tmp/x', writable: true });
    expect(() => parseDirMapping('/tmp/x:relative')).toThrow(FerryError);
  });
  it('refuses a host directory that does not exist', () => {
    expect(() => new Vfs([{ host: '/nonexistent/ferry', guest: '/x', writable: false }])).toThrow('--dir /nonexistent/ferry');
  });
});

describe('Vfs.resolve', () => {
  it('starts in the first mounted directory and resolves relative paths there', () => {
    expect(vfs.cwd).toBe('/data');
    expect(vfs.resolve('sub/file.txt')).toMatchObject({ kind: 'host', guestPath: '/data/sub/file.txt', hostPath: join(root, 'mnt', 'sub', 'file.txt') });
  });

  it('follows symlinks that stay inside a mount', () => {
    expect(vfs.resolve('/data/inside-link')).toMatchObject({ guestPath: '/data/sub/file.txt' });
    expect(vfs.resolve('/data/inside-link', false)).toMatchObject({ guestPath: '/data/inside-link' });
    expect(vfs.resolve('/data/to-other-mount')).toMatchObject({ guestPath: '/srv/other' });
  });

  it('keeps .. inside the guest namespace', () => {
    expect(errnoOf(() => vfs.resolve('../secret.txt'))).toBe(E.ENOENT);
    expect(errnoOf(() => vfs.resolve('/data/../../../secret.txt'))).toBe(E.ENOENT);
    expect(vfs.resolve('/data/sub/../..')).toEqual({ kind: 'virtual', guestPath: '/' });
  });

  it('refuses symlinks leading out of the mounts with EACCES', () => {
    expect(errnoOf(() => vfs.resolve('/data/escape-absolute'))).toBe(E.EACCES);
    expect(errnoOf(() => vfs.resolve('/data/escape-relative'))).toBe(E.EACCES);
    expect(errnoOf(() => vfs.resolve('/data/etc-link/passwd'))).toBe(E.EACCES);
  });

  it('answers ENOENT for absolute paths outside every mount', () => {
    expect(errnoOf(() => vfs.resolve('/etc/passwd'))).toBe(E.ENOENT);
    expect(errnoOf(() => vfs.resolve(join(root, 'secret.txt')))).toBe(E.ENOENT);
  });

  it('shows the directories leading to mounts, /dev devices and generated files as virtual', () => {
    expect(vfs.resolve('/srv')).toEqual({ kind: 'virtual', guestPath: '/srv' });
    expect(vfs.virtualChildren('/')).toEqual(['data', 'dev', 'proc', 'srv', 'sys']);
    expect(vfs.resolve('/dev/null')).toMatchObject({ kind: 'device', device: 'null' });
    expect(vfs.resolve('/proc/self/../self/maps')).toEqual({ kind: 'generated', guestPath: '/proc/self/maps', file: '/proc/self/maps' });
    expect(vfs.resolve('/sys/devices')).toEqual({ kind: 'virtual', guestPath: '/sys/devices' });
  });

  it('gives ENOTDIR when a file is used as a directory', () => {
    expect(errnoOf(() => vfs.resolve('/data/sub/file.txt/x'))).toBe(E.ENOTDIR);
  });
});
