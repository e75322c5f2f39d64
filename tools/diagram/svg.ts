/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): no system
 * Graphviz needed. The package is ESM-only, so it runs in a child Node process that loads it with a
 * real `import()`; that works the same under ts-node, jest and plain Node.
 */
import { execFileSync } from 'child_process';

const RENDERER = `
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  const svgs = JSON.parse(input).map((dot) => graphviz.layout(dot, 'svg', 'dot'));
  process.stdout.write(JSON.stringify(svgs));
});
`;

/** One SVG per DOT source, in order. Throws with Graphviz's message on invalid DOT. */
export function renderSvgs(dots: readonly string[], cwd: string = process.cwd()): string[] {
  if (dots.length === 0) return [];
  const output = execFileSync(process.execPath, ['-e', RENDERER], {
    cwd,
    input: JSON.stringify(dots),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Graphviz's header lines say nothing useful; the file starts at the <svg> element.
  return (JSON.parse(output) as string[]).map((svg) => svg.slice(Math.max(0, svg.indexOf('<svg'))));
}
