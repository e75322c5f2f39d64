import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { EncryptionKey } from '../constructs/encryption';
import { SecureBucket } from '../constructs/storage';
import type { SharedConfig } from '../environments';
import { BOOTSTRAP_STACK } from './names';
import { PlatformStack, STATE_KEY_ALIAS } from './platform-stack';
import { recordSuppression } from '../constructs/core/policy-suppression';

/**
 * The state bucket every other stack keeps its state in. Run once per organisation with a local
 * backend (`npx cdktf deploy bootstrap`); keep its local state file safe or import the bucket later.
 * Locking uses S3 native lock files (`use_lockfile`), so there is no DynamoDB table.
 */
export class BootstrapStack extends PlatformStack {
  readonly stateBucket: SecureBucket;
  readonly stateKey: EncryptionKey;

  constructor(scope: Construct, shared: SharedConfig) {
    super(scope, BOOTSTRAP_STACK, { shared, backend: 'local' });
    this.stateKey = new EncryptionKey(this, 'StateKey', {
      alias: STATE_KEY_ALIAS,
      description: 'Encrypts Terraform state',
      preventDestroy: true,
    });
    this.stateBucket = new SecureBucket(this, 'StateBucket', {
      bucketName: shared.stateBucket,
      kmsKeyArn: this.stateKey.keyArn,
      preventDestroy: true,
      lifecycleRules: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          // Old state versions are the undo history; keep a year, and always the last 20.
          noncurrentVersionExpiration: [{ noncurrentDays: 365, newerNoncurrentVersions: 20 }],
        },
      ],
    });
    recordSuppression(this.stateBucket.bucket, 'CKV_AWS_18', 'bootstrap runs first, on a local backend, before any access log bucket exists; versioning keeps every state version and the bucket is KMS-encrypted and TLS-only');
    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucketName });
    new TerraformOutput(this, 'state_kms_key_arn', { value: this.stateKey.keyArn });
  }
}
