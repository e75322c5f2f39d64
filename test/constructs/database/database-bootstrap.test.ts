import { databaseBootstrapJob } from '../../../constructs/database/database-bootstrap';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('databaseBootstrapJob', () => {
  const job = databaseBootstrapJob('database-bootstrap', ['airflow', 'mlflow'], 'postgres:17.4-alpine') as Json;
  const pod = job.spec.template.spec;
  const script: string = pod.containers[0].command[2];

  it('creates each user and its own database, closed to other users, as the master user', () => {
    expect(script).toContain('for app in airflow mlflow; do');
    expect(script).toContain(`SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \\gexec`);
    expect(script).toContain(`ALTER ROLE :"app" WITH LOGIN PASSWORD :'pw';`);
    expect(script).toContain(`ALTER DATABASE :"app" OWNER TO :"app";`);
    expect(script).toContain(`REVOKE ALL ON DATABASE :"app" FROM PUBLIC;`);
    // The heredoc is quoted: the shell expands nothing inside the SQL; values arrive as psql variables.
    expect(script).toContain(`-v app="$app" -v pw="$pw" <<'SQL'`);
    expect(pod.containers[0].env).toEqual([{ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: 'database-bootstrap', key: 'admin-connection' } } }]);
  });

  it('reads each password from its file in the bootstrap secret', () => {
    expect(pod.volumes).toEqual([
      { name: 'credentials', secret: { secretName: 'database-bootstrap', items: [{ key: 'airflow-password', path: 'airflow-password' }, { key: 'mlflow-password', path: 'mlflow-password' }] } },
    ]);
    expect(script).toContain('pw=$(cat "/credentials/$app-password")');
  });

  it('runs restricted: non-root, read-only root filesystem, no token, bounded', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(job.spec).toMatchObject({ backoffLimit: 4, activeDeadlineSeconds: 600 });
  });
});
