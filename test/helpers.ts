import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** The parsed Terraform JSON of a stack; `resource.<type>.<name>` holds each resource's arguments. */
export interface TerraformJson {
  terraform?: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
  variable?: Record<string, Record<string, unknown>>;
  output?: Record<string, { value: unknown }>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** A fresh stack with an AWS provider, so stack validations pass. */
export function testStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  return stack;
}

/** Builds constructs in a fresh stack and returns the stack's parsed JSON. */
export function synthConstruct(build: (scope: Construct) => void): TerraformJson {
  const stack = testStack();
  build(stack);
  return synthJson(stack);
}

/** All resources of one type, as a list of their arguments. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The only resource of a type; fails the test when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): Record<string, unknown> {
  const found = resourcesOf(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/** The statements of the `aws_iam_policy_document` data source a `${data....json}` reference points to. */
export function policyStatements(json: TerraformJson, reference: unknown): Array<Record<string, unknown>> {
  const match = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(String(reference));
  if (!match) throw new Error(`not a policy document reference: ${String(reference)}`);
  const document = json.data?.aws_iam_policy_document?.[match[1]];
  if (!document) throw new Error(`no policy document ${match[1]}`);
  return document.statement as Array<Record<string, unknown>>;
}
