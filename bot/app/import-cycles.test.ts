import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../core/index.js';

/**
 * No import cycles among the project's modules. Only imports that exist at run time count: `import type` and
 * `export type` lines are erased by the compiler and cannot make an ES module see another half-initialized.
 */
const root = packageRoot();
const TOP = ['bot', 'channels', 'dialogs', 'knowledge', 'vision', 'evaluations', 'engagement', 'scripts'];


function sourceFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'public' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The project files `file` imports at run time (static imports, re-exports and dynamic `import()`). */
function runtimeImports(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(join(root, file), 'utf8')
    .replace(/^\s*import\s+type\s[^;]*;/gm, '')
    .replace(/^\s*export\s+type\s[^;]*;/gm, '');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(root, resolve(dirname(join(root, file)), s)).replace(/\.js$/, '.ts')).filter((target) => known.has(target));
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

test('finds a cycle where there is one, and none where there is none', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a', 'd']],
    ['e', ['d']],
  ]);
  expect(cyclesOf(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  expect(cyclesOf(new Map([['x', ['y']], ['y', []]]))).toEqual([]);
});

test('the project has no import cycles', () => {
  const files = TOP.flatMap((top) => sourceFiles(join(root, top))).map((file) => relative(root, file));
  expect(files.length).toBeGreaterThan(100);
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, runtimeImports(file, known)] as const));
  expect(cyclesOf(graph)).toEqual([]);
});
