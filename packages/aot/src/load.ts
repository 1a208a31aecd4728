// Loading an AOT module for a run: reads the manifest without compiling anything, refuses a module
// made by another Ferry version or ABI or from other code bytes, then compiles the module (V8
// only, no binaryen) and hands the engine its entries as PreloadedCode.
// Invariant: a module is accepted only if it parses, its version and content hash match this
// Ferry and this ELF, it compiles, it fills exactly one table slot per manifest entry, and every
// entry's pc is in an executable segment; otherwise the result is one sentence saying why, and
// nothing is used.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { enableWasmHints, setV8Flag, type PreloadedCode } from '@ferry/engine';
import { hex } from '@ferry/util';
import type { GuestImage } from './guest-image.js';
import { type AotManifest, AotFormatError, decodeManifest, locateCustomSection, MANIFEST_SECTION } from './manifest.js';
import { tableSlotsFilled } from './table-placement.js';
import { FERRY_AOT_VERSION } from './version.js';

export type AotLoad =
  | { ok: true; preloaded: PreloadedCode; manifest: AotManifest; compileMs: number }
  | { ok: false; problem: string };

/** Reads only the manifest (for `ferry aot --info` and cache checks). */
export function readManifest(bytes: Uint8Array, file: string): AotManifest {
  return locateManifest(bytes, file).manifest;
}

/** The manifest and where its section starts (the code hash covers the bytes before it). */
function locateManifest(bytes: Uint8Array, file: string): { manifest: AotManifest; start: number } {
  let found: ReturnType<typeof locateCustomSection>;
  try {
    found = locateCustomSection(bytes, MANIFEST_SECTION);
  } catch (e) {
    if (e instanceof AotFormatError) throw new AotFormatError(`${file} is not a complete AOT module: ${e.message}`);
    throw e;
  }
  if (!found) throw new AotFormatError(`${file} has no ${MANIFEST_SECTION} manifest (it was not made by ferry aot)`);
  if (found.end !== bytes.length) throw new AotFormatError(`${file} has sections after its ${MANIFEST_SECTION} manifest (it was changed after ferry aot wrote it)`);
  try {
    return { manifest: decodeManifest(found.payload), start: found.start };
  } catch (e) {
    if (e instanceof AotFormatError) throw new AotFormatError(`${file} has a corrupt manifest: ${e.message}`);
    throw e;
  }
}

/** Why the manifest does not fit this Ferry and ELF, or undefined if it does. */
export function manifestMismatch(manifest: AotManifest, file: string, image: GuestImage): string | undefined {
  if (manifest.version !== FERRY_AOT_VERSION) {
    return `${file} was made by Ferry ${manifest.version}, this is Ferry ${FERRY_AOT_VERSION}: recompile it with ferry aot`;
  }
  const contentHash = image.contentHash();
  if (manifest.contentHash !== contentHash) {
    return `${file} was made from ${manifest.source}, whose code differs from ${image.path} (content hash ${manifest.contentHash.slice(0, 12)} vs ${contentHash.slice(0, 12)}): recompile it with ferry aot ${image.path}`;
  }
  return undefined;
}

/** A module that passed the checks made on its bytes, its compile still running. */
export type AotStart = { ok: true; manifest: AotManifest; loaded: Promise<AotLoad> } | { ok: false; problem: string };

/** Checks a module against this Ferry and ELF and starts compiling it. The compile runs in V8's
 *  background (WebAssembly.compile: decoding the branch hints section alone takes ~10 ms of
 *  hello's 11 MB module) while the main thread checks the code hash, and then while the caller
 *  goes on (`ferry run` loads the guest meanwhile); the module is used only if both succeed. */
export function startAotModule(bytes: Uint8Array, file: string, image: GuestImage): AotStart {
  let manifest: AotManifest;
  let manifestStart: number;
  try {
    ({ manifest, start: manifestStart } = locateManifest(bytes, file));
  } catch (e) {
    if (e instanceof AotFormatError) return { ok: false, problem: e.message };
    throw e;
  }
  const mismatch = manifestMismatch(manifest, file, image);
  if (mismatch) return { ok: false, problem: mismatch };
  // Lazy compilation and validation: V8 validates and compiles each of the module's thousands of
  // functions on its first call, so start-up pays only for the code the run uses (validating all
  // of hello's 9 MB took 50-80 ms). A function that fails validation would then throw a
  // CompileError when first called, so the code hash stands in for the up-front check: a changed
  // byte is refused here. Process-wide and one-way (V8 aborts if a module compiled with lazy
  // validation is lazily compiled after the flag is turned off); Ferry's JIT modules are valid.
  setV8Flag('--wasm-lazy-compilation');
  setV8Flag('--wasm-lazy-validation');
  // Branch hints are read when the module is decoded, so this must precede it.
  enableWasmHints();
  const started = performance.now();
  const compiling = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>).then(
    (module) => ({ module, error: undefined }),
    (error: unknown) => ({ module: undefined, error: error as Error }),
  );
  const codeHash = createHash('sha256').update(bytes.subarray(0, manifestStart)).digest('hex');
  if (codeHash !== manifest.codeHash) {
    return { ok: false, problem: `${file} is corrupt: its code does not match the hash ferry aot recorded (sha256 ${codeHash.slice(0, 12)} vs ${manifest.codeHash.slice(0, 12)}): recompile it with ferry aot` };
  }
  const { pcs, insns, pageStart, pages } = manifest.entries;
  const slots = tableSlotsFilled(bytes);
  if (slots !== pcs.length) return { ok: false, problem: `${file}: the manifest lists ${pcs.length} translations but the module places ${slots} in the table: the file is corrupt` };
  // pcs ascend: the first and last decide which executable segments they may be in.
  for (const pc of pcs.length ? [pcs[0]!, pcs[pcs.length - 1]!] : []) {
    if (!image.isExecutable(pc)) return { ok: false, problem: `${file}: the manifest maps ${hex(pc)}, outside ${image.path}'s code: the file is corrupt` };
  }
  if (image.executable.length > 1) {
    for (const pc of pcs) if (!image.isExecutable(pc)) return { ok: false, problem: `${file}: the manifest maps ${hex(pc)}, outside ${image.path}'s code: the file is corrupt` };
  }
  const loaded = compiling.then(({ module, error }): AotLoad => {
    if (!module) return { ok: false, problem: `${file} does not compile as WebAssembly (${error?.message}): the file is corrupt; recompile it with ferry aot` };
    const compileMs = performance.now() - started;
    return { ok: true, manifest, compileMs, preloaded: { tier: 'aot', module, pcs, insns, pageStart, pages, source: file } };
  });
  return { ok: true, manifest, loaded };
}

/** startAotModule, waiting for the compile. */
export async function checkAotModule(bytes: Uint8Array, file: string, image: GuestImage): Promise<AotLoad> {
  const start = startAotModule(bytes, file, image);
  return start.ok ? start.loaded : start;
}

/** startAotModule on a file's bytes. */
export function startAotFile(file: string, image: GuestImage): AotStart {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`}` };
  }
  return startAotModule(bytes, file, image);
}

export async function loadAotFile(file: string, image: GuestImage): Promise<AotLoad> {
  const start = startAotFile(file, image);
  return start.ok ? start.loaded : start;
}
