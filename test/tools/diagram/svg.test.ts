import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../tools/diagram/cli';
import { renderDot } from '../../../tools/diagram/dot';
import { buildEnvironmentModel } from '../../../tools/diagram/model';
import { renderSvgs } from '../../../tools/diagram/svg';
import { FIXTURE_MANIFESTS, FIXTURE_STACKS } from './fixture';

/** Graphviz writes `-` as `&#45;` in SVG text. */
const text = (svg: string) => svg.replace(/&#45;/g, '-').replace(/&amp;/g, '&');

describe('SVG rendering (Graphviz WASM)', () => {
  test('renders the DOT to an SVG holding the labels', () => {
    const dot = renderDot(buildEnvironmentModel({ stacks: FIXTURE_STACKS, manifests: { dev: FIXTURE_MANIFESTS } }, 'dev'));
    const [svg] = renderSvgs([dot]);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['VPC dev', 'Public subnets', 'EKS dev-platform', 'dev-platform-general', 'RDS dev-platform', 'mlops-dev-raw-111111111111', 'model-serving', 'namespace ml', 'Legend']) {
      expect(text(svg)).toContain(label);
    }
  }, 30_000);

  test('fails with Graphviz\'s message on invalid DOT', () => {
    expect(() => renderSvgs(['digraph { a -> }'])).toThrow(/syntax error/);
  }, 30_000);

  test('`npm run diagram` writes docs/diagrams/<env>.svg from cdktf.out and dist/k8s', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
    try {
      for (const stack of FIXTURE_STACKS) {
        fs.mkdirSync(path.join(work, 'cdktf.out', 'stacks', stack.name), { recursive: true });
        fs.writeFileSync(path.join(work, 'cdktf.out', 'stacks', stack.name, 'cdk.tf.json'), JSON.stringify(stack.json));
      }
      fs.mkdirSync(path.join(work, 'dist', 'k8s', 'dev'), { recursive: true });
      const yaml = FIXTURE_MANIFESTS.map((m) => JSON.stringify(m)).join('\n---\n');
      fs.writeFileSync(path.join(work, 'dist', 'k8s', 'dev', 'workloads.k8s.yaml'), yaml);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const out = path.join(work, 'diagrams');
      expect(main(['--cdktf-out', path.join(work, 'cdktf.out'), '--k8s-out', path.join(work, 'dist', 'k8s'), '--out', out, '--dot'])).toBe(0);
      log.mockRestore();
      expect(fs.readdirSync(out).sort()).toEqual(['dev.dot', 'dev.svg']);
      const svg = fs.readFileSync(path.join(out, 'dev.svg'), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(text(svg)).toContain('data-validation');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);

  test('says to synthesize first when cdktf.out is missing', () => {
    expect(() => main(['--cdktf-out', path.join(os.tmpdir(), 'does-not-exist-cdktf-out')])).toThrow(/npm run synth/);
  });
});
