// Running a guest with its standard streams captured in memory: what tests, `ferry compare`
// and the benchmark harness use to check a run's output against an expectation.
import type { RunOptions, RunResult } from './run.js';
import { runProgram } from './run.js';

export interface CapturedRun extends RunResult {
  stdout: Buffer;
  stderr: Buffer;
}

export interface CaptureOptions extends Omit<RunOptions, 'stdout' | 'stderr' | 'stdin'> {
  stdin?: Uint8Array;
}

export async function runCaptured(options: CaptureOptions): Promise<CapturedRun> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const input = options.stdin ?? new Uint8Array(0);
  let consumed = 0;
  const result = await runProgram({
    ...options,
    stdout: { write: (d) => void out.push(Uint8Array.from(d)) },
    stderr: { write: (d) => void err.push(Uint8Array.from(d)) },
    stdin: {
      read(into) {
        const n = Math.min(into.length, input.length - consumed);
        into.set(input.subarray(consumed, consumed + n));
        consumed += n;
        return n;
      },
    },
  });
  return { ...result, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
