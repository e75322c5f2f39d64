import { describe as describeDiagnostic, parseValidate, textErrors, uiDiagnostics, uiMessages } from '../../../tools/verify-terraform/diagnostics';
import { fixture } from './helpers';

describe('parseValidate (validate -json of Terraform 1.11.4 and OpenTofu 1.12.6, random 3.7.2)', () => {
  it('reads a valid result', () => {
    expect(parseValidate(fixture('validate-valid.terraform-1.11.4.json'))).toEqual({ valid: true, diagnostics: [] });
  });

  it.each(['validate-invalid.terraform-1.11.4.json', 'validate-invalid.tofu-1.12.6.json'])('reads the errors of %s with file, line and block', (file) => {
    const parsed = parseValidate(fixture(file))!;
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics.map((d) => describeDiagnostic(d))).toEqual(
      expect.arrayContaining([
        'Extraneous JSON object property: No argument or block type is named "nope". (main.tf.json:1, resource.random_pet.a)',
        'Missing required argument: The argument "byte_length" is required, but no definition was found. (main.tf.json:1, resource.random_id.b)',
      ]),
    );
  });

  it('reads a diagnostic without a range', () => {
    const [d] = parseValidate(fixture('validate-missing-provider.terraform-1.11.4.json'))!.diagnostics;
    expect(d).toMatchObject({ severity: 'error', summary: 'Missing required provider', where: undefined });
  });

  it('is undefined for output that is not the validate document', () => {
    expect(parseValidate('Error: Failed to load plugin schemas')).toBeUndefined();
    expect(parseValidate('{"valid": "yes"}')).toBeUndefined();
  });
});

describe('UI stream', () => {
  it('keeps the JSON lines and reads the error diagnostics with their resource address', () => {
    const messages = uiMessages(`not json\n${fixture('apply-errored.terraform-1.11.4.jsonl')}\n{"partial`);
    expect(messages[0]).toMatchObject({ type: 'version', terraform: '1.11.4' });
    const [d] = uiDiagnostics(messages);
    expect(d).toMatchObject({ severity: 'error', summary: 'local-exec provisioner error', address: 'terraform_data.broken' });
    expect(describeDiagnostic(d, 60)).toBe("local-exec provisioner error: Error running command 'echo 'operation error EC2: CreateFlow... (terraform_data.broken)");
  });
});

describe('textErrors', () => {
  it("reads the errors init prints (-no-color), one message per error with its detail lines", () => {
    // `terraform init -backend=false -no-color` (1.11.4) of the shared stack with a mirror lacking aws 6.25.0.
    expect(textErrors(fixture('init-missing-provider.terraform-1.11.4.txt'))).toEqual([
      {
        severity: 'error',
        summary: 'Failed to query available provider packages',
        detail:
          'Could not retrieve the list of available versions for provider hashicorp/aws: no available releases match the given constraints 6.25.0 To see which modules are currently depending on hashicorp/aws and what versions are specified, run the following command: terraform providers',
      },
    ]);
  });

  it('strips colour and the box characters of coloured output', () => {
    expect(textErrors('\u001b[31m╷\n│ \u001b[1mError: \u001b[0mBad thing\n│ \n│ more about it\n╵')).toEqual([{ severity: 'error', summary: 'Bad thing', detail: 'more about it' }]);
  });
});
