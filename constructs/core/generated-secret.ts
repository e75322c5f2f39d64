import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { recordSuppression } from './policy-suppression';
import { requireProps } from './props';
import { RANDOM_PROVIDER } from './random-provider';

/** The `random` provider, for its ephemeral password (values that never reach plan or state). */
export { RANDOM_PROVIDER };

/** How a generated field's value is made from a fresh random password. */
export type GeneratedField =
  /** The password itself (32 letters and digits). */
  | 'password'
  /**
   * A Fernet key: URL-safe base64 of 32 bytes, as Airflow's `[core] fernet_key` requires (the 32
   * random characters are the 32 bytes).
   */
  | 'fernet-key';

export interface GeneratedSecretProps {
  /** Secrets Manager name, e.g. `dev/airflow/keys`. */
  readonly secretName: string;
  /** Description of the secret in Secrets Manager. */
  readonly description: string;
  /** Customer-managed KMS key that encrypts the secret. */
  readonly kmsKeyArn: string;
  /** Days a deleted secret can be restored; 0 deletes it at once. @default 30 */
  readonly recoveryWindowDays?: number;
  /** JSON keys of the secret that hold generated values, and how each is made. */
  readonly generated: Readonly<Record<string, GeneratedField>>;
  /** JSON keys with fixed, non-secret values (a user name). @default {} */
  readonly fixed?: Readonly<Record<string, string>>;
  /**
   * Bump to generate new values: write-only values are written only when their version changes.
   * @default 1
   */
  readonly version?: number;
}

/**
 * A Secrets Manager secret (a JSON object) whose secret values are generated during apply by ephemeral
 * `random_password` resources and written as a write-only value: they appear in no configuration, plan
 * or state. Readers get them through Secrets Manager (External Secrets in the cluster).
 */
export class GeneratedSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly secretArn: string;
  readonly version: number;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    requireProps(this.node.path, props, { secretName: 'string', description: 'string', kmsKeyArn: 'string', generated: 'object' });
    this.version = props.version ?? 1;
    if (!Number.isInteger(this.version) || this.version < 1) throw new Error(`${this.node.path}: version (${props.version}) must be a positive whole number`);
    const fields = Object.keys(props.generated);
    if (fields.length === 0) throw new Error(`${this.node.path}: generated must name at least one field`);
    const stack = TerraformStack.of(this);
    stack.addOverride('terraform.required_providers.random', RANDOM_PROVIDER);
    // One ephemeral resource per field, named after the construct path (unique in the stack).
    const base = this.node.path.split('/').slice(1).join('_').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
    const entries = Object.entries(props.generated).map(([field, kind], i) => {
      const name = `${base}_${i}`;
      stack.addOverride(`ephemeral.random_password.${name}`, { length: 32, special: false });
      const raw = `ephemeral.random_password.${name}.result`;
      const value = kind === 'fernet-key' ? `replace(replace(base64encode(${raw}), "+", "-"), "/", "_")` : raw;
      return `${JSON.stringify(field)} = ${value}`;
    });
    const fixed = Object.entries(props.fixed ?? {}).map(([field, value]) => `${JSON.stringify(field)} = ${JSON.stringify(value)}`);
    this.secret = new SecretsmanagerSecret(this, 'Secret', {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
    });
    // checkov CKV2_AWS_57 asks for a rotation Lambda; these values live on in the applications' own config
    // (Grafana's database, Airflow's Fernet-encrypted connections, PostgreSQL roles), so rotation is a new
    // `version`, which writes a new value and rolls the readers.
    recordSuppression(this.secret, 'CKV2_AWS_57', 'generated during apply and written write-only; rotated by bumping its version, which the readers follow, not by a rotation Lambda');
    new SecretsmanagerSecretVersion(this, 'Value', {
      secretId: this.secret.id,
      secretStringWo: `\${jsonencode({${[...fixed, ...entries].join(', ')}})}`,
      secretStringWoVersion: this.version,
    });
    this.secretArn = this.secret.arn;
  }
}
