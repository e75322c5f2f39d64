import * as fs from 'node:fs';
import * as path from 'node:path';

// The published library (`constructs/`, `k8s/`) ships without `tools/`, `stacks/` and `environments/`
// (tsconfig.build.json), so an import from there breaks every consumer of the package.
const ROOT = path.resolve(__dirname, '../..');
const LIBRARY = ['constructs', 'k8s'];
const FORBIDDEN = ['tools', 'stacks', 'environments', 'main.ts'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** Every module specifier of `import ... from`, `export ... from`, `import('...')` and `require('...')`. */
export function moduleSpecifiers(source: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]));
}

/** The top-level folder (or file) of the repository a relative specifier lands in. */
function topLevelOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
  return target.split(path.sep)[0];
}

export function boundaryViolations(files: string[]): string[] {
  return files.flatMap((file) => {
    const source = fs.readFileSync(file, 'utf8');
    return moduleSpecifiers(source)
      .filter((specifier) => {
        const top = topLevelOf(file, specifier);
        return top !== undefined && (FORBIDDEN.includes(top) || FORBIDDEN.includes(`${top}.ts`));
      })
      .map((specifier) => `${path.relative(ROOT, file)} imports "${specifier}"`);
  });
}

describe('library boundaries', () => {
  it('no file under constructs/ or k8s/ imports from tools/, stacks/, environments/ or main.ts', () => {
    const files = LIBRARY.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(20);
    expect(boundaryViolations(files)).toEqual([]);
  });

  it('stacks compose the library and do not reach into tools/', () => {
    const files = sourceFiles(path.join(ROOT, 'stacks'));
    const intoTools = boundaryViolations(files).filter((v) => /"(\.\.\/)+tools\//.test(v));
    expect(intoTools).toEqual([]);
  });

  it('the check catches an import that climbs out of the library', () => {
    const scratch = fs.mkdtempSync(path.join(ROOT, 'constructs', '.boundary-'));
    try {
      const file = path.join(scratch, 'bad.ts');
      fs.writeFileSync(file, "import { parseCidr } from '../../environments/cidr';\nexport { suppress } from '../../tools/policy/suppress';\n");
      expect(boundaryViolations([file])).toEqual([
        expect.stringContaining('imports "../../environments/cidr"'),
        expect.stringContaining('imports "../../tools/policy/suppress"'),
      ]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
