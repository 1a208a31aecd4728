// Bundles the ferry command (tsc's packages/cli/dist/ferry.js and everything it imports, yargs
// included) into packages/cli/dist/main.js plus lazily loaded chunks (dist/bundle-*.js), so start-up
// reads a few files instead of ~160 small ESM modules. binaryen stays external: only code that
// compiles with it (loaded on demand) imports it. Run by `npm run build` after `tsc -b`.
// Invariant: every bundled module still sees its own location: `import.meta.url` in a module is
// rewritten to the URL of the file it came from, relative to the bundle (chunks sit beside main.js),
// so lookups beside a module (interp wasm, compile worker script, package.json) find the same files.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = join(root, 'packages/cli/dist');
const CHUNK_PREFIX = 'bundle-';
/** --readable: whitespace and syntax kept as written (for reading CPU profiles of start-up). */
const minify = !process.argv.includes('--readable');
/** --metafile FILE: esbuild's record of which source file went into which output (for analysis). */
const metafileArg = process.argv.indexOf('--metafile');

/** import.meta.url in a bundled file → the URL that file would have had, relative to the output. */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.(m?js)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      if (/import\.meta\.(?!url\b)/.test(source)) {
        throw new Error(`${args.path} uses import.meta other than .url, which the bundle cannot keep: teach scripts/bundle-cli.mjs about it`);
      }
      const fromOutput = relative(outdir, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

for (const name of readdirSync(outdir)) {
  if (name.startsWith(CHUNK_PREFIX)) rmSync(join(outdir, name));
}

const started = performance.now();
const result = await build({
  entryPoints: { main: join(outdir, 'ferry.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
  external: ['binaryen'],
  plugins: [keepModuleUrls],
  minifyWhitespace: minify,
  minifySyntax: minify,
  legalComments: 'none',
  sourcemap: 'linked', // node --enable-source-maps maps stack traces back to the TypeScript
  metafile: true,
  logLevel: 'warning',
});
if (metafileArg > 0) writeFileSync(process.argv[metafileArg + 1], JSON.stringify(result.metafile));
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => !file.endsWith('.map'));
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
chmodSync(join(outdir, 'main.js'), 0o755); // npm links the bin before this build runs
console.log(`bundle: wrote packages/cli/dist/main.js and ${outputs.length - 1} chunks (${(bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
