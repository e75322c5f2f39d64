import type { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Fn, type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { pinnedRelease, type PinnedChart } from '../cluster/helm-release';
import type { KubernetesCluster } from '../cluster/kubernetes-cluster';
import { SecretsManagerSync } from '../cluster/secrets-manager-sync';
import { requireProps } from '../core/props';

/** An application's database user whose database the bootstrap Job creates (see `PostgresDatabase.addApplicationUser`). */
export interface BootstrapUser {
  /** PostgreSQL role; its database has the same name. */
  readonly username: string;
  /** Secret with JSON keys `username` and `password`. */
  readonly secretArn: string;
  readonly kmsKeyArn?: string;
  readonly passwordVersion: number;
}

export interface DatabaseBootstrapProps {
  /** The cluster whose OIDC provider the secret reader's role trusts. */
  readonly cluster: KubernetesCluster;
  /** Region of Secrets Manager. */
  readonly region: string;
  /** Database host; a `host:port` endpoint is accepted and its port dropped. */
  readonly endpoint: string;
  /** PostgreSQL port. */
  readonly port: number;
  /** Database the instance was created with; the Job connects to it as the master user. */
  readonly adminDatabaseName: string;
  /** The RDS-managed master secret (JSON `username`, `password`) and its key. */
  readonly masterSecretArn: string;
  /** @default - the AWS-managed `aws/secretsmanager` key */
  readonly masterSecretKmsKeyArn?: string;
  /** One user and one database (of the same name) per application. */
  readonly users: readonly BootstrapUser[];
  /** The External Secrets Operator release (its CRDs) and what else must exist first (database access). */
  readonly dependsOn: ITerraformDependable[];
  /** Chart that applies plain manifests (the Job, SecretStore and ExternalSecret). */
  readonly manifestsChart: PinnedChart;
  /** @default 'database-bootstrap' */
  readonly namespace?: string;
  /** psql image (an immutable tag). @default DATABASE_BOOTSTRAP_IMAGE */
  readonly image?: string;
}

/** Image of the Job that creates the application users and databases (psql 17; an immutable version tag). */
export const DATABASE_BOOTSTRAP_IMAGE = 'postgres:17.4-alpine';
/** Kubernetes Secret of the Job: the master connection and each user's password. Nothing else reads it. */
export const DATABASE_BOOTSTRAP_SECRET = 'database-bootstrap';
const PASSWORD_VERSION_ANNOTATION = 'platform.mlops/password-versions';

/**
 * The only place the master user is used: a Job, in a namespace of its own, that creates each
 * application's role (LOGIN, its own password) and database (owned by it, closed to PUBLIC), and sets
 * the role's password from the application's secret on every run. Idempotent; its name carries a hash
 * of the users and their password versions, so a new user or a new password runs it again. Helm waits
 * for it, and the releases of the applications wait for this one.
 */
export class DatabaseBootstrap extends Construct {
  readonly release: Release;
  readonly namespace: string;
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: DatabaseBootstrapProps) {
    super(scope, id);
    requireProps(this.node.path, props, {
      cluster: 'object', region: 'string', endpoint: 'string', port: 'number', adminDatabaseName: 'string',
      masterSecretArn: 'string', users: 'array', dependsOn: 'array', manifestsChart: 'object',
    });
    const users = props.users ?? [];
    if (users.length === 0) throw new Error(`${this.node.path}: users must list at least one application user`);
    for (const user of users) {
      if (!Token.isUnresolved(user.username) && !/^[a-z_][a-z0-9_]{0,62}$/.test(user.username)) {
        throw new Error(`${this.node.path}: users: "${user.username}" must be a lowercase PostgreSQL role name`);
      }
    }
    if (new Set(users.map((u) => u.username)).size !== users.length) throw new Error(`${this.node.path}: users: each username may appear once`);
    this.namespace = props.namespace ?? 'database-bootstrap';
    const host = Fn.element(Fn.split(':', props.endpoint), 0) as string;

    const namespace = new NamespaceV1(this, 'Namespace', {
      metadata: { name: this.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const versions = users.map((u) => `${u.username}=${u.passwordVersion}`).join(',');
    const passwordKey = (u: BootstrapUser) => `${u.username}_password`;
    const sync = new SecretsManagerSync(this, 'Secrets', {
      cluster: props.cluster,
      namespace: this.namespace,
      serviceAccount: 'database-bootstrap-secrets-reader',
      secretArn: props.masterSecretArn,
      kmsKeyArn: props.masterSecretKmsKeyArn,
      region: props.region,
      targetSecretName: DATABASE_BOOTSTRAP_SECRET,
      properties: ['username', 'password'],
      additionalSources: users.map((u) => ({ secretArn: u.secretArn, kmsKeyArn: u.kmsKeyArn, properties: { [passwordKey(u)]: 'password' } })),
      template: {
        'admin-connection': `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${host}:${Token.asString(props.port)}/${props.adminDatabaseName}?sslmode=require`,
        ...Object.fromEntries(users.map((u) => [`${u.username}-password`, `{{ .${passwordKey(u)} }}`])),
      },
      // RDS rotates the master password weekly: re-read it often enough for the next apply.
      refreshInterval: '10m',
      secretAnnotations: { [PASSWORD_VERSION_ANNOTATION]: versions },
      manifestsChart: props.manifestsChart,
      releaseName: 'database-bootstrap-secrets',
      dependsOn: [...props.dependsOn, namespace],
    });

    const job = databaseBootstrapJob(this.namespace, users.map((u) => u.username), props.image ?? DATABASE_BOOTSTRAP_IMAGE);
    const hash = createHash('sha256').update(JSON.stringify({ job, versions })).digest('hex').slice(0, 10);
    this.jobName = `database-bootstrap-${hash}`;
    (job.metadata as Record<string, unknown>).name = this.jobName;
    this.release = pinnedRelease(this, 'Release', {
      name: 'database-bootstrap',
      namespace: this.namespace,
      chart: props.manifestsChart,
      values: { resources: [job] },
      waitForJobs: true,
      dependsOn: [sync.release, ...props.dependsOn],
    });
  }
}

/**
 * The Job: for each user, its role and database, as the master user (`admin-connection`). Values reach
 * SQL only as psql variables (`:'pw'` quotes a literal, `:"app"` an identifier), never spliced into
 * the text. On RDS the master user has CREATEROLE but is not superuser: it grants itself each new role
 * so that it may make the role a database owner.
 */
export function databaseBootstrapJob(namespace: string, usernames: readonly string[], image: string): Record<string, unknown> {
  const sql = [
    `SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \\gexec`,
    `ALTER ROLE :"app" WITH LOGIN PASSWORD :'pw';`,
    `GRANT :"app" TO CURRENT_USER;`,
    `SELECT format('CREATE DATABASE %I OWNER %I', :'app', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app') \\gexec`,
    `ALTER DATABASE :"app" OWNER TO :"app";`,
    `REVOKE ALL ON DATABASE :"app" FROM PUBLIC;`,
  ].join('\n');
  const script = [
    'set -eu',
    `for app in ${usernames.join(' ')}; do`,
    '  pw=$(cat "/credentials/$app-password")',
    `  psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -q -v app="$app" -v pw="$pw" <<'SQL'`,
    sql,
    'SQL',
    '  echo "user and database $app ready"',
    'done',
  ].join('\n');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'database-bootstrap', namespace },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } },
          // Each user's password as a file, read only by the loop: one env var per user would need the list twice.
          volumes: [{ name: 'credentials', secret: { secretName: DATABASE_BOOTSTRAP_SECRET, items: usernames.map((u) => ({ key: `${u}-password`, path: `${u}-password` })) } }],
          containers: [
            {
              name: 'create-users-and-databases',
              image,
              command: ['/bin/sh', '-c', script],
              env: [{ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: DATABASE_BOOTSTRAP_SECRET, key: 'admin-connection' } } }],
              volumeMounts: [{ name: 'credentials', mountPath: '/credentials', readOnly: true }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}
