/**
 * The local AWS emulator (moto's standalone server) and the override files that point a copied stack at it.
 * The synthesized JSON is never edited: Terraform merges `*_override.tf.json` next to it (Terraform docs
 * "Override Files": provider, data and backend blocks in an override replace the named top-level arguments;
 * a backend block replaces the whole backend block, so it carries the original settings too).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { spawn, type ChildProcess } from 'child_process';
import { isRecord, records, type JsonObject } from '../lib/terraform-json';
import { killGroup } from './process';
import { VerifyError, type Stack } from './stacks';

/**
 * The `endpoints` key (aws provider 6.25 schema, as @cdktf/provider-aws 21.22.1's AwsProviderEndpoints
 * lists it) of the service behind each resource and data source type the stacks use. Types that call no API
 * (aws_partition, aws_iam_policy_document) map to undefined. A type missing here is an error, so a new
 * resource can never reach a real AWS endpoint through a forgotten override.
 */
export const SERVICE_OF: Readonly<Record<string, string | undefined>> = {
  aws_caller_identity: 'sts',
  aws_partition: undefined,
  aws_region: undefined,
  aws_iam_policy_document: undefined,
  aws_cloudwatch_log_group: 'logs',
  aws_codebuild_project: 'codebuild',
  aws_codebuild_webhook: 'codebuild',
  aws_codeconnections_connection: 'codeconnections',
  aws_cloudwatch_metric_alarm: 'cloudwatch',
  aws_db_instance: 'rds',
  aws_db_parameter_group: 'rds',
  aws_db_subnet_group: 'rds',
  aws_default_security_group: 'ec2',
  aws_ecr_lifecycle_policy: 'ecr',
  aws_ecr_repository: 'ecr',
  aws_ecr_repository_policy: 'ecr',
  aws_eip: 'ec2',
  aws_eks_access_entry: 'eks',
  aws_eks_access_policy_association: 'eks',
  aws_eks_addon: 'eks',
  aws_eks_cluster: 'eks',
  aws_eks_node_group: 'eks',
  aws_flow_log: 'ec2',
  aws_iam_instance_profile: 'iam',
  aws_iam_openid_connect_provider: 'iam',
  aws_iam_role: 'iam',
  aws_iam_roles: 'iam',
  aws_iam_role_policy: 'iam',
  aws_iam_role_policy_attachment: 'iam',
  aws_instance: 'ec2',
  aws_internet_gateway: 'ec2',
  aws_kms_alias: 'kms',
  aws_kms_key: 'kms',
  aws_launch_template: 'ec2',
  aws_nat_gateway: 'ec2',
  aws_route: 'ec2',
  aws_route_table: 'ec2',
  aws_route_table_association: 'ec2',
  aws_s3_bucket: 's3',
  aws_s3_bucket_lifecycle_configuration: 's3',
  aws_s3_bucket_logging: 's3',
  aws_s3_bucket_ownership_controls: 's3',
  aws_s3_bucket_policy: 's3',
  aws_s3_bucket_public_access_block: 's3',
  aws_s3_bucket_server_side_encryption_configuration: 's3',
  aws_s3_bucket_versioning: 's3',
  aws_secretsmanager_secret: 'secretsmanager',
  aws_secretsmanager_secret_version: 'secretsmanager',
  aws_security_group: 'ec2',
  aws_sns_topic: 'sns',
  aws_sns_topic_policy: 'sns',
  aws_sns_topic_subscription: 'sns',
  aws_ssm_parameter: 'ssm',
  aws_subnet: 'ec2',
  aws_vpc: 'ec2',
  aws_vpc_endpoint: 'ec2',
  aws_vpc_security_group_egress_rule: 'ec2',
  aws_vpc_security_group_ingress_rule: 'ec2',
};

/** Every configuration calls these: the provider looks its account up with STS (IAM as its fallback). */
const ALWAYS = ['sts', 'iam'];

/** The endpoint keys a stack needs; throws naming the first aws type SERVICE_OF lacks. */
export function servicesOf(stack: Stack): string[] {
  const services = new Set(ALWAYS);
  for (const block of ['resource', 'data'] as const) {
    const byType = stack.json[block];
    if (!isRecord(byType)) continue;
    for (const type of Object.keys(byType)) {
      if (!type.startsWith('aws_')) continue;
      if (!(type in SERVICE_OF)) throw new VerifyError(`stack ${stack.name}: ${block} type ${type} has no emulator endpoint: add it to SERVICE_OF in tools/verify-terraform/emulator.ts`);
      const service = SERVICE_OF[type];
      if (service) services.add(service);
    }
  }
  return [...services].sort();
}

/**
 * Test credentials. moto 5.2.5 answers for the account in `MOTO_ACCOUNT_ID` (core/responses.py
 * get_current_account), so each emulated account is its own moto server and the credentials only need to be
 * well-formed; `allowed_account_ids` and aws_caller_identity then see the stack's real account.
 */
export const TEST_CREDENTIALS: JsonObject = { access_key: 'verify-terraform-test', secret_key: 'verify-terraform-test' };

/** The account a provider configuration acts in (its single allowed_account_ids entry). */
export function accountOf(provider: JsonObject, stackName: string): string {
  const allowed = provider.allowed_account_ids;
  if (!Array.isArray(allowed) || allowed.length !== 1 || typeof allowed[0] !== 'string') {
    throw new VerifyError(`stack ${stackName}: provider.aws must name exactly one allowed_account_ids entry to emulate (got ${JSON.stringify(allowed)})`);
  }
  return allowed[0];
}

/** The account of an S3 state bucket named `<prefix>-<account>-<region>` (how the bootstrap stack names it). */
export function stateAccountOf(bucket: string, stackName: string): string {
  const match = /-(\d{12})-[a-z]{2}(-[a-z]+)+-\d$/.exec(bucket);
  if (!match) throw new VerifyError(`stack ${stackName}: state bucket "${bucket}" does not end in -<account id>-<region>`);
  return match[1];
}

/** The emulator endpoint of an AWS account (one moto server each). */
export type EndpointOf = (accountId: string) => string;

const endpointMap = (services: readonly string[], endpoint: string): JsonObject => Object.fromEntries(services.map((service) => [service, endpoint]));

/** Settings that make an S3 backend (or a terraform_remote_state reading one) talk to the emulator. */
function s3BackendToEmulator(config: JsonObject, endpointOf: EndpointOf, stackName: string): JsonObject {
  if (typeof config.bucket !== 'string') throw new VerifyError(`stack ${stackName}: S3 backend config has no bucket`);
  return {
    ...config,
    ...TEST_CREDENTIALS,
    endpoints: endpointMap(['s3', 'sts', 'iam'], endpointOf(stateAccountOf(config.bucket, stackName))),
    use_path_style: true,
    skip_metadata_api_check: true,
  };
}

/**
 * The override file for running `stack` against the emulator (`endpointOf` an account):
 * - every aws provider configuration gets the endpoints of the services the stack uses on its account's
 *   server, test credentials, path-style S3 and no instance-metadata lookup; its assume_role is kept, so the
 *   emulator issues the role's credentials as in a real run. Account lookup stays on: moto answers it, and
 *   allowed_account_ids is checked against it;
 * - an S3 backend keeps bucket, key, KMS key and lock file, and reaches the state bucket the bootstrap stack
 *   created in the emulator; a local backend writes into the working copy;
 * - terraform_remote_state data sources read the upstream stacks' state from that same emulated bucket.
 */
export function emulatorOverride(stack: Stack, endpointOf: EndpointOf): JsonObject {
  const services = servicesOf(stack);
  const providers = records(isRecord(stack.json.provider) ? stack.json.provider.aws : undefined);
  if (providers.length === 0) throw new VerifyError(`stack ${stack.name}: no provider.aws configuration to point at the emulator`);
  const override: JsonObject = {
    provider: {
      aws: providers.map((provider) => ({
        ...(typeof provider.alias === 'string' ? { alias: provider.alias } : {}),
        ...TEST_CREDENTIALS,
        endpoints: [endpointMap(services, endpointOf(accountOf(provider, stack.name)))],
        s3_use_path_style: true,
        // A string in the 6.x schema.
        skip_metadata_api_check: 'true',
      })),
    },
  };
  const terraform = isRecord(stack.json.terraform) ? stack.json.terraform : {};
  const backend = isRecord(terraform.backend) ? terraform.backend : {};
  if (isRecord(backend.s3)) override.terraform = { backend: { s3: s3BackendToEmulator(backend.s3, endpointOf, stack.name) } };
  else if (isRecord(backend.local)) override.terraform = { backend: { local: { path: 'terraform.tfstate' } } };
  else throw new VerifyError(`stack ${stack.name}: backend ${JSON.stringify(Object.keys(backend))} is neither s3 nor local`);
  const data = isRecord(stack.json.data) ? stack.json.data : {};
  const remote = isRecord(data.terraform_remote_state) ? data.terraform_remote_state : {};
  const remoteOverrides = Object.entries(remote).map(([name, block]) => {
    if (!isRecord(block) || block.backend !== 's3' || !isRecord(block.config)) {
      throw new VerifyError(`stack ${stack.name}: data.terraform_remote_state.${name} must read an s3 backend to be emulated`);
    }
    return [name, { config: s3BackendToEmulator(block.config, endpointOf, stack.name) }] as const;
  });
  if (remoteOverrides.length > 0) override.data = { terraform_remote_state: Object.fromEntries(remoteOverrides) };
  return override;
}

/** Every account the emulated run of `stack` touches: its providers' and its state buckets'. */
export function accountsOf(stack: Stack): string[] {
  const accounts = new Set<string>();
  emulatorOverride(stack, (account) => {
    accounts.add(account);
    return 'http://127.0.0.1';
  });
  return [...accounts].sort();
}

/** Copies a stack's synthesized JSON into `workDir` and writes the override beside it. */
export function prepareWorkDir(stack: Stack, workDir: string, override: JsonObject | undefined): void {
  fs.mkdirSync(workDir, { recursive: true });
  fs.copyFileSync(stack.file, path.join(workDir, 'cdk.tf.json'));
  if (override) fs.writeFileSync(path.join(workDir, 'verify_emulator_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
}

/** A free TCP port on 127.0.0.1 (the OS picks it; released before moto binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Emulator {
  readonly endpoint: string;
  stop(): void;
}

/** emulator/serve.py: moto's server plus a log line for each action it lacks. */
export const SERVE_SCRIPT = path.join(__dirname, 'emulator', 'serve.py');

/**
 * Starts moto's server (through serve.py, with the locked environment's `python`) on 127.0.0.1 as account
 * `accountId` and waits until it answers; `stop()` ends its whole process group.
 */
export async function startMoto(python: string, accountId: string, logFile: string, timeoutSeconds = 120): Promise<Emulator> {
  const port = await freePort();
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(python, [SERVE_SCRIPT, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', log, log],
    detached: true,
    env: { ...process.env, MOTO_ACCOUNT_ID: accountId },
  });
  fs.closeSync(log);
  const stop = (): void => killGroup(child.pid);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutSeconds * 1000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new VerifyError(`moto's server exited (code ${exited}) before answering; see ${logFile}`);
    try {
      // moto's own API answers once the server is up (moto docs "Server mode").
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  stop();
  throw new VerifyError(`moto's server did not answer on ${endpoint} within ${timeoutSeconds}s; see ${logFile}`);
}
