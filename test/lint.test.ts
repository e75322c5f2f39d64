import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The barrel-import ban is a contract (synth speed depends on it), so it has a test that can fail. */
const root = path.resolve(__dirname, '..');

const probes: Record<string, { code: string; rejected: boolean }> = {
  'aws-barrel.ts': { code: "import * as aws from '@cdktf/provider-aws';\nexport const x = aws;\n", rejected: true },
  'aws-lib.ts': { code: "import { Vpc } from '@cdktf/provider-aws/lib';\nexport const x = Vpc;\n", rejected: true },
  'aws-lib-index.ts': { code: "import { Vpc } from '@cdktf/provider-aws/lib/index';\nexport const x = Vpc;\n", rejected: true },
  'helm-barrel.ts': { code: "import { Release } from '@cdktf/provider-helm';\nexport const x = Release;\n", rejected: true },
  'deep.ts': { code: "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nexport const x = Vpc;\n", rejected: false },
};

describe('lint: provider imports', () => {
  let results: Array<{ filePath: string; messages: Array<{ ruleId: string | null }> }>;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(root, 'test', '.lint-probe-'));
    try {
      for (const [file, probe] of Object.entries(probes)) fs.writeFileSync(path.join(dir, file), probe.code);
      const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', dir], { cwd: root, encoding: 'utf8' });
      results = JSON.parse(run.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it.each(Object.entries(probes).map(([f, p]) => [f, p.rejected ? 'rejected' : 'accepted', p] as const))('%s is %s', (file, _verdict, probe) => {
    const result = results.find((r) => path.basename(r.filePath) === file)!;
    const flagged = result.messages.some((m) => m.ruleId === 'no-restricted-imports');
    expect(flagged).toBe(probe.rejected);
  });
});
