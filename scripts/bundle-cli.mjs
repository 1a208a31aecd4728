// Bundles the ferry command (tsc's packages/cli/dist/ferry.js and everything it imports, yargs
// included) into one classic script, packages/cli/dist/ferry-bundle.cjs, which the bin
// (dist/main.js, written here too) runs through vm.Script with a V8 code cache: start-up then
// reads two files and compiles almost no JavaScript. Modules reached only by import() still
// initialise lazily. binaryen (ESM with top-level await) stays outside: a module that imports it
// gets it from a global that the loader fills, and every import() whose target reaches binaryen
// first awaits loading it, so only the opt tier and the AOT compiler and inspectors pay for it.
// Invariants: each bundled module still sees its own location (import.meta.url is rewritten to the
// URL of the file it came from), and no bundled code touches binaryen before it is loaded.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = join(root, 'packages/cli/dist');
const BUNDLE = 'ferry-bundle.cjs';
/** --readable: whitespace and syntax kept as written (for reading CPU profiles of start-up). */
const minify = !process.argv.includes('--readable');
const started = performance.now();

/** Pass 1: the module graph, to find every module from which binaryen is statically reachable. */
const graph = await build({
  entryPoints: [join(outdir, 'ferry.js')], bundle: true, write: false, format: 'esm', platform: 'node',
  external: ['binaryen'], metafile: true, logLevel: 'silent',
});
const reachesBinaryen = new Set();
for (let grew = true; grew;) {
  grew = false;
  for (const [file, input] of Object.entries(graph.metafile.inputs)) {
    if (reachesBinaryen.has(file)) continue;
    if (input.imports.some((i) => i.kind === 'import-statement' && (i.path === 'binaryen' || reachesBinaryen.has(i.path)))) {
      reachesBinaryen.add(file);
      grew = true;
    }
  }
}
/** For each module: the specifiers of its import() calls whose target reaches binaryen. */
const dynamicNeedingBinaryen = new Map();
for (const [file, input] of Object.entries(graph.metafile.inputs)) {
  for (const i of input.imports) {
    if (i.kind === 'dynamic-import' && reachesBinaryen.has(i.path)) {
      dynamicNeedingBinaryen.set(join(root, file), [...(dynamicNeedingBinaryen.get(join(root, file)) ?? []), i.original]);
    }
  }
}

const rewriteModules = {
  name: 'ferry-module-rewrites',
  setup(b) {
    // import binaryen from 'binaryen' → the instance the loader put in place (see main.js).
    b.onResolve({ filter: /^binaryen$/ }, () => ({ path: 'binaryen', namespace: 'ferry-binaryen' }));
    b.onLoad({ filter: /.*/, namespace: 'ferry-binaryen' }, () => ({
      contents: 'export default globalThis.__ferryBinaryen ?? (() => { throw new Error("internal error: binaryen used before the bundle loaded it"); })();',
      loader: 'js',
    }));
    b.onLoad({ filter: /\.(m?js)$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      const original = source;
      if (source.includes('import.meta')) {
        if (/import\.meta\.(?!url\b)/.test(source)) {
          throw new Error(`${args.path} uses import.meta other than .url, which the bundle cannot keep: teach scripts/bundle-cli.mjs about it`);
        }
        const fromOutput = relative(outdir, args.path).split('\\').join('/');
        source = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, __ferryBundleUrl).href`);
      }
      // import() of a computed specifier stays an import at run time; a script compiled from a
      // code cache has no working import() of its own (Node 20), so it asks main.js's.
      source = source.replace(/\bimport\((?!\s*['"])/g, '__ferryImport(');
      for (const specifier of dynamicNeedingBinaryen.get(args.path) ?? []) {
        const call = new RegExp(`import\\((['"])${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\1\\)`, 'g');
        if (!call.test(source)) throw new Error(`${args.path}: cannot find import('${specifier}') to load binaryen before it`);
        source = source.replace(call, (text) => `__ferryLoadBinaryen().then(() => ${text})`);
      }
      return source === original ? undefined : { contents: source, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Pass 2: the classic script, with the AOT translator's fingerprint computed now rather than
 *  at run time (see packages/aot/src/version.ts). */
const { translatorFingerprint } = await import(join(root, 'packages/aot/dist/version.js'));
const result = await build({
  define: { __FERRY_TRANSLATOR_FINGERPRINT__: JSON.stringify(translatorFingerprint()) },
  entryPoints: [join(outdir, 'ferry.js')],
  outfile: join(outdir, BUNDLE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [rewriteModules],
  minifyWhitespace: minify,
  minifySyntax: minify,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
// The script is wrapped in a function by main.js, so ferry.js's #! line must go (kept as a comment).
const bundlePath = join(outdir, BUNDLE);
const bundleSource = readFileSync(bundlePath, 'utf8').replace(/^#!/, '//');
writeFileSync(bundlePath, bundleSource);
// V8 checks a code cache against the source's length only, so each build's cache has its own name.
const CACHE = `${BUNDLE}.${createHash('sha256').update(bundleSource).digest('hex').slice(0, 16)}.cache`;
for (const name of readdirSync(outdir)) {
  if (name.startsWith(`${BUNDLE}.`) && name.includes('.cache')) rmSync(join(outdir, name));
}

writeFileSync(join(outdir, 'main.js'), `#!/usr/bin/env node
// The ferry bin, written by scripts/bundle-cli.mjs: runs ${BUNDLE} (the whole CLI as one
// classic script) with a V8 code cache beside it, named after this build's bundle:
//   ${CACHE}
// written from what a run compiled when it is missing or was made by another Node: at exit, or
// before the run first changes a V8 flag (V8 rejects a cache made with other flags than a new
// process starts with; the engine calls globalThis.__ferryBeforeV8Flags). The script gets
// require, its own URL, the loader of binaryen (awaited before code that needs binaryen runs)
// and import() for computed specifiers.
import { createRequire } from 'node:module';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';

const file = new URL('./${BUNDLE}', import.meta.url);
const cacheFile = new URL('./${CACHE}', import.meta.url);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const source = '(function (require, __ferryBundleUrl, __ferryLoadBinaryen, __ferryImport) {' + readFileSync(file, 'utf8') + '\\n})';
const script = new Script(source, { filename: file.pathname, cachedData });
let cacheWanted = cachedData === undefined || script.cachedDataRejected;
const writeCache = () => {
  if (!cacheWanted) return;
  cacheWanted = false;
  try {
    const temporary = new URL(\`./${CACHE}.\${process.pid}\`, import.meta.url);
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
  } catch {
    // A read-only install runs without a cache.
  }
};
globalThis.__ferryBeforeV8Flags = writeCache;
process.once('exit', writeCache);
let binaryen;
const loadBinaryen = () => (binaryen ??= import('binaryen').then((m) => {
  globalThis.__ferryBinaryen = m.default;
}));
script.runInThisContext()(createRequire(file), file.href, loadBinaryen, (specifier) => import(specifier));
`);
chmodSync(join(outdir, 'main.js'), 0o755); // npm links the bin before this build runs
// Seed the code cache with what `ferry run` compiles, so the first run after a build is quick too.
const hello = join(root, 'corpus/bin/hello');
if (existsSync(hello)) spawnSync(process.execPath, [join(outdir, 'main.js'), 'run', hello], { stdio: 'ignore' });
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`bundle: wrote packages/cli/dist/${BUNDLE} (${(bytes / 1024).toFixed(0)} KiB; ${reachesBinaryen.size} modules wait for binaryen) and main.js in ${(performance.now() - started).toFixed(0)} ms`);
