// Loading an AOT module for a run: reads the manifest without compiling anything, refuses a module
// made by another Ferry version or ABI or from other code bytes, then compiles the module (V8
// only, no binaryen) and hands the engine its entries as PreloadedCode.
// Invariant: a module is accepted only if it parses, its version and content hash match this
// Ferry and this ELF, it compiles, and every manifest entry names one of its exports at a pc in
// an executable segment; otherwise the result is one sentence saying why, and nothing is used.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { PreloadedCode } from '@ferry/engine';
import { hex } from '@ferry/util';
import type { GuestImage } from './guest-image.js';
import { type AotManifest, AotFormatError, decodeManifest, findCustomSection, MANIFEST_SECTION } from './manifest.js';
import { FERRY_AOT_VERSION } from './version.js';

export type AotLoad =
  | { ok: true; preloaded: PreloadedCode; manifest: AotManifest; compileMs: number }
  | { ok: false; problem: string };

/** Reads only the manifest (for `ferry aot --info` and cache checks). */
export function readManifest(bytes: Uint8Array, file: string): AotManifest {
  let payload: Uint8Array | undefined;
  try {
    payload = findCustomSection(bytes, MANIFEST_SECTION);
  } catch (e) {
    if (e instanceof AotFormatError) throw new AotFormatError(`${file} is not a complete AOT module: ${e.message}`);
    throw e;
  }
  if (!payload) throw new AotFormatError(`${file} has no ${MANIFEST_SECTION} manifest (it was not made by ferry aot)`);
  try {
    return decodeManifest(payload);
  } catch (e) {
    if (e instanceof AotFormatError) throw new AotFormatError(`${file} has a corrupt manifest: ${e.message}`);
    throw e;
  }
}

/** Why the manifest does not fit this Ferry and ELF, or undefined if it does. */
export function manifestMismatch(manifest: AotManifest, file: string, image: GuestImage, contentHash = image.contentHash()): string | undefined {
  if (manifest.version !== FERRY_AOT_VERSION) {
    return `${file} was made by Ferry ${manifest.version}, this is Ferry ${FERRY_AOT_VERSION}: recompile it with ferry aot`;
  }
  if (manifest.contentHash !== contentHash) {
    return `${file} was made from ${manifest.source}, whose code differs from ${image.path} (content hash ${manifest.contentHash.slice(0, 12)} vs ${contentHash.slice(0, 12)}): recompile it with ferry aot ${image.path}`;
  }
  return undefined;
}

export function checkAotModule(bytes: Uint8Array, file: string, image: GuestImage): AotLoad {
  let manifest: AotManifest;
  try {
    manifest = readManifest(bytes, file);
  } catch (e) {
    if (e instanceof AotFormatError) return { ok: false, problem: e.message };
    throw e;
  }
  const mismatch = manifestMismatch(manifest, file, image);
  if (mismatch) return { ok: false, problem: mismatch };
  // Lazy compilation: V8 compiles each of the module's thousands of functions on its first call,
  // so start-up pays only for the code the run uses (process-wide; JIT modules are small anyway).
  setFlagsFromString('--wasm-lazy-compilation');
  const started = performance.now();
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    return { ok: false, problem: `${file} does not compile as WebAssembly (${(e as Error).message}): the file is corrupt; recompile it with ferry aot` };
  }
  const compileMs = performance.now() - started;
  const exported = new Set(WebAssembly.Module.exports(module).filter((d) => d.kind === 'function').map((d) => d.name));
  for (const e of manifest.entries) {
    if (!exported.has(e.exportName)) return { ok: false, problem: `${file}: the manifest maps ${hex(e.pc)} to '${e.exportName}', which the module does not export: the file is corrupt` };
    if (!image.isExecutable(e.pc)) return { ok: false, problem: `${file}: the manifest maps ${hex(e.pc)}, outside ${image.path}'s code: the file is corrupt` };
  }
  return { ok: true, manifest, compileMs, preloaded: { tier: 'aot', module, entries: manifest.entries, source: file } };
}

export function loadAotFile(file: string, image: GuestImage): AotLoad {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`}` };
  }
  return checkAotModule(bytes, file, image);
}
