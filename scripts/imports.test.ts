// The scripts are run by hand (selection, measurement, bundling), not by the tests: this checks that
// every name they import from a workspace package or built file still exists, so a moved export
// shows up here instead of when someone next runs the script.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const scripts = readdirSync(here).filter((f) => f.endsWith('.mjs'));

/** The named imports of a module's static import statements, by specifier. */
function namedImports(source: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const m of source.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)';/gm)) {
    const names = m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!).filter((n) => n && !n.startsWith('type '));
    found.set(m[2]!, [...(found.get(m[2]!) ?? []), ...names]);
  }
  return found;
}

describe('scripts', () => {
  for (const script of scripts) {
    it(`${script}: its imports from Ferry's packages exist`, async () => {
      const imports = namedImports(readFileSync(resolve(here, script), 'utf8'));
      for (const [specifier, names] of imports) {
        if (!specifier.startsWith('@ferry/') && !specifier.startsWith('.')) continue;
        const target = specifier.startsWith('.') ? pathToFileURL(resolve(here, specifier)).href : specifier;
        const module = (await import(target)) as Record<string, unknown>;
        for (const name of names) expect(module, `${script} imports ${name} from ${specifier}`).toHaveProperty(name);
      }
    });
  }
});
