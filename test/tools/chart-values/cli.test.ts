import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, treeFile } from '../../../tools/chart-values/cli';
import { CHART_SOURCES } from '../../../tools/chart-values/sources';
import { unknownKeys } from '../../../tools/chart-values/key-tree';

/** A clone laid out like `fetch` leaves it (`<owner>+<name>/repo`), with one chart tagged as upstream tags it. */
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function fakeClone(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
  scratch.push(root);
  const dir = path.join(root, 'fluent+helm-charts', 'repo');
  const chart = path.join(dir, 'charts', 'fluent-bit');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: fluent-bit\nversion: 0.50.0\n');
  fs.writeFileSync(path.join(chart, 'values.yaml'), 'serviceMonitor:\n  enabled: false\n  # selector:\n  #   prometheus: p\n');
  fs.writeFileSync(path.join(chart, 'templates', 'servicemonitor.yaml'), '{{- with .Values.serviceMonitor.selector }}\n{{- toYaml . | nindent 4 }}\n{{- end }}\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'chart');
  git('tag', 'fluent-bit-0.50.0');
  return root;
}

describe('chart-values cli', () => {
  const source = CHART_SOURCES.find((s) => s.chart === 'fluent-bit')!;

  it('reads the chart at its tag from a clone and records where it came from', () => {
    const git = (repository: string, args: string[]) => execFileSync('git', ['-C', path.join(fakeClone(), repository.replace('/', '+'), 'repo'), ...args], { encoding: 'utf8' });
    const file = treeFile(git, source);
    expect(file.source).toEqual({ repository: 'fluent/helm-charts', tag: 'fluent-bit-0.50.0', path: 'charts/fluent-bit' });
    expect(unknownKeys(file.tree, { serviceMonitor: { selector: { a: 'b' } } })).toEqual([]);
    expect(unknownKeys(file.tree, { serviceMonitor: { additionalLabels: { a: 'b' } } })).toEqual(['serviceMonitor.additionalLabels']);
  });

  it('--check exits 1 when the committed tree differs from the chart, and writes nothing', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../../tools/chart-values/trees/fluent-bit-0.50.0.json'), 'utf8');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(main(['--repos', fakeClone(), '--check', 'fluent-bit'])).toBe(1);
      expect(log).toHaveBeenCalledWith('fluent-bit@0.50.0: DIFFERS from the chart');
    } finally {
      log.mockRestore();
    }
    expect(fs.readFileSync(path.join(__dirname, '../../../tools/chart-values/trees/fluent-bit-0.50.0.json'), 'utf8')).toBe(committed);
  });

  it('names a missing clone and an unknown chart', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-'));
      scratch.push(empty);
      expect(main(['--repos', empty, '--check', 'airflow'])).toBe(1);
      expect(error.mock.calls[0][0]).toMatch(/^airflow@1\.21\.0: not generated: no clone of apache\/airflow under /);
      expect(main(['--repos', '/tmp', 'no-such-chart'])).toBe(2);
      expect(error.mock.calls[1][0]).toMatch(/unknown chart\(s\): no-such-chart/);
      expect(main([])).toBe(2);
    } finally {
      error.mockRestore();
    }
  });
});
