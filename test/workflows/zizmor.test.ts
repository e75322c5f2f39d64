import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * zizmor (GitHub Actions security linter, PyPI `zizmor`) over .github/workflows, when it is installed: on PATH,
 * or named by $ZIZMOR. Zero findings is the bar; a suppression is an inline `# zizmor: ignore[rule] reason`.
 * The CI wiring (installing it) lives in the policy gate; this test makes a local run of `npx jest` say the same.
 */
const REPO = path.join(__dirname, '..', '..');
const zizmor = process.env.ZIZMOR ?? 'zizmor';
const installed = spawnSync(zizmor, ['--version'], { encoding: 'utf8' }).status === 0;

(installed ? describe : describe.skip)('zizmor', () => {
  test('reports no unsuppressed finding on the workflows', () => {
    const result = spawnSync(zizmor, ['--offline', '--format', 'plain', '.github/workflows'], { cwd: REPO, encoding: 'utf8' });
    expect({ status: result.status, findings: result.stdout.trim().split('\n').pop() }).toEqual({ status: 0, findings: expect.stringMatching(/^No findings to report/) });
  }, 60_000);
});
