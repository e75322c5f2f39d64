import { parseVerifyArgs } from '../../../tools/verify-terraform/args';

describe('parseVerifyArgs', () => {
  it('runs both steps from cdktf.out with the mirror by default', () => {
    expect(parseVerifyArgs([])).toMatchObject({ steps: ['validate', 'emulator'], stacks: [], providers: 'mirror', dir: 'cdktf.out', keep: false });
  });

  it('reads every option, inline or separate', () => {
    expect(parseVerifyArgs(['--only=validate', '--stack', 'dev-data', '--stack=shared', '--jobs', '3', '--providers', 'registry', '--dir', 'out', '--keep'])).toEqual({
      steps: ['validate'],
      stacks: ['dev-data', 'shared'],
      jobs: 3,
      providers: 'registry',
      dir: 'out',
      keep: true,
      toolchainCached: false,
      help: false,
    });
  });

  it('says what is wrong with a bad value', () => {
    expect(parseVerifyArgs(['--only', 'apply'])).toBe('--only must be validate or emulator (got "apply")');
    expect(parseVerifyArgs(['--jobs', '0'])).toBe('--jobs must be a positive integer (got "0")');
    expect(parseVerifyArgs(['--providers', 'web'])).toBe('--providers must be mirror or registry (got "web")');
    expect(parseVerifyArgs(['--dir'])).toBe('--dir needs a value');
    expect(parseVerifyArgs(['validate'])).toBe('unknown argument "validate"');
  });
});
