// Guest corpus access for tests and scripts: the manifest, recorded expectations, and how to
// run one entry (argv, clean environment, stdin, fresh temp directory) under qemu-riscv64.
// Invariant: a run is fully described by the manifest entry and variant; argv[0] is always
// "corpus/bin/<name>" relative to the repository root, which is the working directory, and
// the environment is exactly the entry's `env` list (nothing inherited from the caller).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir as systemTmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the parent of scripts/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const corpusDir = join(repoRoot, 'corpus');
export const manifestPath = join(corpusDir, 'manifest.json');
export const expectedDir = join(corpusDir, 'expected');
/** Milliseconds a single qemu run may take before it is killed (full benchmark sizes take 1-5 s). */
export const QEMU_TIMEOUT_MS = 120_000;

/**
 * @typedef {object} RunSpec
 * @property {string[]} args   arguments after argv[0] (after the temp directory when `tmpdir`)
 * @property {string} [stdin]  repository-relative file fed to standard input
 * @property {string[]} [env]  exact environment, as "KEY=VALUE" strings (default: empty)
 * @property {boolean} [tmpdir] pass a fresh empty temp directory's absolute path as argv[1]
 */
/**
 * @typedef {object} CorpusEntry
 * @property {string} name     file name under corpus/src (.c) and corpus/bin
 * @property {string} purpose  one line
 * @property {boolean} bench   CPU-bound benchmark taking a size argument
 * @property {Record<string, RunSpec>} runs  variants: always "default"; benchmarks also "full"
 * @property {boolean} wasm    builds for wasm32-wasi too
 */
/**
 * @typedef {object} RunResult
 * @property {Buffer} stdout
 * @property {Buffer | undefined} stderr  undefined when empty (nothing recorded)
 * @property {number} status  exit code, or 128 + signal number when killed by a signal
 */
/**
 * @typedef {object} PreparedRun
 * @property {string[]} argv   full guest argv, argv[0] = "corpus/bin/<name>"
 * @property {Record<string, string>} env  exact guest environment
 * @property {Buffer | undefined} stdin
 * @property {string | undefined} tmpdir  absolute path of the fresh directory, if any
 * @property {() => void} cleanup  removes the temp directory (safe to call twice)
 */

/** util-linux prlimit, when present, to run qemu without core dumps. */
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Reads and validates corpus/manifest.json.
 * @returns {CorpusEntry[]}
 */
export function loadManifest() {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${manifestPath}: expected a JSON array of entries`);
  const seen = new Set();
  for (const entry of parsed) {
    const where = `${manifestPath}: entry ${JSON.stringify(entry?.name)}`;
    if (typeof entry?.name !== 'string' || !NAME_PATTERN.test(entry.name)) throw new Error(`${where}: bad name`);
    if (seen.has(entry.name)) throw new Error(`${where}: duplicate name`);
    seen.add(entry.name);
    if (typeof entry.purpose !== 'string' || entry.purpose.length === 0) throw new Error(`${where}: missing purpose`);
    if (typeof entry.bench !== 'boolean' || typeof entry.wasm !== 'boolean') throw new Error(`${where}: bench and wasm must be booleans`);
    if (typeof entry.runs !== 'object' || entry.runs === null || !entry.runs.default) throw new Error(`${where}: runs.default is required`);
    if (entry.bench && !entry.runs.full) throw new Error(`${where}: benchmarks need a "full" run`);
    for (const [variant, run] of Object.entries(entry.runs)) validateRun(run, `${where} run ${variant}`);
  }
  return /** @type {CorpusEntry[]} */ (parsed);
}

/** @param {any} run @param {string} where */
function validateRun(run, where) {
  if (!Array.isArray(run?.args) || !run.args.every((/** @type {unknown} */ a) => typeof a === 'string')) throw new Error(`${where}: args must be a string array`);
  if (run.stdin !== undefined && (typeof run.stdin !== 'string' || !existsSync(join(repoRoot, run.stdin)))) throw new Error(`${where}: stdin file ${run.stdin} not found`);
  if (run.env !== undefined && (!Array.isArray(run.env) || !run.env.every((/** @type {unknown} */ e) => typeof e === 'string' && e.includes('=')))) throw new Error(`${where}: env must be "KEY=VALUE" strings`);
  if (run.tmpdir !== undefined && typeof run.tmpdir !== 'boolean') throw new Error(`${where}: tmpdir must be a boolean`);
}

/**
 * Looks up one manifest entry by name.
 * @param {string} name
 * @returns {CorpusEntry}
 */
export function findEntry(name) {
  const entry = loadManifest().find((e) => e.name === name);
  if (!entry) throw new Error(`corpus entry "${name}" is not in ${manifestPath}`);
  return entry;
}

/**
 * Paths of the recorded expectation files for one entry and variant.
 * @param {string} name
 * @param {string} variant
 * @returns {{ stdout: string, stderr: string, status: string }}
 */
export function expectedPaths(name, variant) {
  const base = join(expectedDir, `${name}.${variant}`);
  return { stdout: `${base}.stdout`, stderr: `${base}.stderr`, status: `${base}.status` };
}

/**
 * Reads the recorded expectation (run scripts/record-expected to create it).
 * @param {string} name
 * @param {string} variant
 * @returns {RunResult}
 */
export function readExpected(name, variant) {
  const paths = expectedPaths(name, variant);
  if (!existsSync(paths.stdout) || !existsSync(paths.status)) {
    throw new Error(`no recorded expectation for ${name} (${variant}): run scripts/record-expected ${name}`);
  }
  const statusText = readFileSync(paths.status, 'utf8').trim();
  const status = Number(statusText);
  if (!Number.isInteger(status) || status < 0 || status > 255) throw new Error(`${paths.status}: bad exit status "${statusText}"`);
  return {
    stdout: readFileSync(paths.stdout),
    stderr: existsSync(paths.stderr) ? readFileSync(paths.stderr) : undefined,
    status,
  };
}

/**
 * Everything needed to start one run: the guest argv, the exact environment, stdin bytes,
 * and a fresh temp directory when the entry asks for one (call cleanup() afterwards).
 * @param {CorpusEntry} entry
 * @param {string} variant
 * @returns {PreparedRun}
 */
export function prepareRun(entry, variant) {
  const run = entry.runs[variant];
  if (!run) throw new Error(`corpus entry "${entry.name}" has no run variant "${variant}"`);
  const tmpdir = run.tmpdir ? mkdtempSync(join(systemTmpdir(), `ferry-${entry.name}-`)) : undefined;
  /** @type {Record<string, string>} */
  const env = {};
  for (const pair of run.env ?? []) {
    const at = pair.indexOf('=');
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    argv: [`corpus/bin/${entry.name}`, ...(tmpdir ? [tmpdir] : []), ...run.args],
    env,
    stdin: run.stdin ? readFileSync(join(repoRoot, run.stdin)) : undefined,
    tmpdir,
    cleanup: () => {
      if (tmpdir) rmSync(tmpdir, { recursive: true, force: true });
    },
  };
}

/** Lines qemu itself writes to stderr when the guest dies of a signal (not guest output). */
const QEMU_OWN_STDERR = /^qemu: uncaught target signal .*\n?/gm;

/**
 * Runs one entry's variant under qemu-riscv64 from the repository root, with core dumps
 * disabled. Throws if qemu cannot be started or times out.
 * @param {CorpusEntry} entry
 * @param {string} variant
 * @returns {RunResult}
 */
export function runQemu(entry, variant) {
  const prepared = prepareRun(entry, variant);
  try {
    // prlimit (util-linux) sets RLIMIT_CORE to 0 so qemu writes no core file when the guest
    // aborts; it execs qemu with the environment untouched (a shell would add PWD).
    const command = PRLIMIT ? [PRLIMIT, '--core=0', 'qemu-riscv64'] : ['qemu-riscv64'];
    const result = spawnSync(command[0], [...command.slice(1), ...prepared.argv], {
      cwd: repoRoot,
      env: prepared.env,
      input: prepared.stdin ?? Buffer.alloc(0),
      timeout: QEMU_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw new Error(`qemu-riscv64 corpus/bin/${entry.name} (${variant}): ${result.error.message}`);
    const status = result.signal ? 128 + signalNumber(result.signal) : /** @type {number} */ (result.status);
    if (PRLIMIT && status === 1 && result.stdout.length === 0 && result.stderr.includes('prlimit: failed to execute')) {
      throw new Error('qemu-riscv64 is not installed (apt-get install qemu-user)');
    }
    const stderr = result.stderr.toString('latin1').replace(QEMU_OWN_STDERR, '');
    return { stdout: result.stdout, stderr: stderr.length > 0 ? Buffer.from(stderr, 'latin1') : undefined, status };
  } finally {
    prepared.cleanup();
  }
}

/** @param {NodeJS.Signals} name */
function signalNumber(name) {
  const number = osConstants.signals[name];
  if (number === undefined) throw new Error(`qemu-riscv64 died of unknown signal ${name}`);
  return number;
}

/** True when qemu-riscv64 can be started. */
export function haveQemu() {
  const probe = spawnSync('qemu-riscv64', ['--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

/**
 * The parts of a Ferry run (MachineOptions) a prepared corpus run fixes: program, argv, the exact
 * environment, and the temp directory mapped read-write at its own path. stdin is left to the
 * caller (bytes for runCaptured, bytesReader(...) for a Machine).
 * @param {CorpusEntry} entry
 * @param {PreparedRun} prepared
 */
export function ferryRunOptions(entry, prepared) {
  return {
    path: join(repoRoot, 'corpus', 'bin', entry.name),
    argv: prepared.argv,
    env: Object.entries(prepared.env).map(([k, v]) => `${k}=${v}`),
    dirs: prepared.tmpdir ? [{ host: prepared.tmpdir, guest: prepared.tmpdir, writable: true }] : [],
  };
}

/**
 * A Machine stdin `read` function serving these bytes, then end of input.
 * @param {Uint8Array} bytes
 */
export function bytesReader(bytes) {
  let at = 0;
  return (/** @type {Uint8Array} */ into) => {
    const n = Math.min(into.length, bytes.length - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  };
}
