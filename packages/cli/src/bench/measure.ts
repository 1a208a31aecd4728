// One timed child-process run and the check of its output against the recorded expectation.
// Every measured program (qemu, node running wasm, the host binary, `ferry run --tier X`) runs
// as its own process, so start-up, memory and JIT state are per run and comparable.
// Invariant: a sample carries its output; the caller counts its time only after
// `outputMismatch` returned undefined.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { ExpectedRun } from './corpus.js';

/** GNU time, used for every process's peak RSS when present (nothing is installed for it). */
export const GNU_TIME = ['/usr/bin/time'].find((p) => existsSync(p));

export interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  stdin?: Buffer | undefined;
  /** For `ferry run`: the file the child writes --stats-json to (read after it exits). */
  statsJsonPath?: string;
}

export interface Sample {
  wallMs: number;
  status: number;
  stdout: Buffer;
  stderr: Buffer;
  /** Peak resident set of the measured process, KiB (GNU time, else Ferry's own report). */
  maxRssKiB: number | undefined;
  /** Ferry's --stats-json record, when the subject is a Ferry tier. */
  ferryStats: Record<string, unknown> | undefined;
}

function signalNumber(name: NodeJS.Signals): number {
  return osConstants.signals[name] ?? 0;
}

/** Last line of GNU time's -o file is %M; earlier lines say how the command ended. */
function readRss(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const value = Number(lines[lines.length - 1]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function readStatsJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `invocation` once, timing from spawn to the close of its output streams. */
export function measureOnce(invocation: Invocation, timeoutMs: number): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const rssFile = join(scratch, 'rss');
  const [command, args] = GNU_TIME
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, invocation.command, ...invocation.args]]
    : [invocation.command, invocation.args];
  return new Promise<Sample>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const started = performance.now();
    const child = spawn(command, args, { cwd: invocation.cwd, env: invocation.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.stdin.on('error', () => undefined); // a program that exits without reading its stdin
    child.stdin.end(invocation.stdin ?? Buffer.alloc(0));
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      reject(new Error(`cannot start ${invocation.command}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      const ferryStats = invocation.statsJsonPath ? readStatsJson(invocation.statsJsonPath) : undefined;
      const ferryRss = typeof ferryStats?.maxRssKiB === 'number' ? ferryStats.maxRssKiB : undefined;
      const sample: Sample = {
        wallMs,
        status: signal ? 128 + signalNumber(signal) : (code ?? 0),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        maxRssKiB: readRss(rssFile) ?? ferryRss,
        ferryStats,
      };
      rmSync(scratch, { recursive: true, force: true });
      if (signal === 'SIGKILL' && wallMs >= timeoutMs) {
        reject(new Error(`${invocation.command} did not finish within ${(timeoutMs / 1000).toFixed(0)} s (killed; raise --timeout)`));
        return;
      }
      resolve(sample);
    });
  });
}

/** First line of a buffer, shortened, for error messages. */
function firstLine(bytes: Buffer): string {
  const text = bytes.toString('utf8').split('\n').find((l) => l.trim() !== '') ?? '';
  return text.length > 160 ? text.slice(0, 157) + '...' : text;
}

/** Why a run's output or exit status differs from the expectation; undefined when identical. */
export function outputMismatch(sample: Pick<Sample, 'stdout' | 'stderr' | 'status'>, expected: Pick<ExpectedRun, 'stdout' | 'status'>): string | undefined {
  const problems: string[] = [];
  if (sample.status !== expected.status) {
    const said = firstLine(sample.stderr);
    problems.push(`exit status ${sample.status}, expected ${expected.status}${said ? ` (stderr: ${said})` : ''}`);
  }
  if (!sample.stdout.equals(expected.stdout)) {
    let at = 0;
    while (at < sample.stdout.length && at < expected.stdout.length && sample.stdout[at] === expected.stdout[at]) at++;
    problems.push(`stdout differs from byte ${at} (${sample.stdout.length} bytes, expected ${expected.stdout.length})`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
