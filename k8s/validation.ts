/**
 * Small helpers the Kubernetes constructs share to validate their props early, with messages that
 * name the construct path, the field and the bad value (STYLE.md rule 9).
 */
import { Token } from 'cdktf';

/**
 * True for a value that is not known until deployment: a cdktf token (`${TfToken[...]}`), an AWS CDK
 * style token (`${Token[...]}`), or a cdktf number token (a number attribute such as a database port,
 * encoded as a reserved double). Validation skips such values instead of rejecting them.
 */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'number') return Token.isUnresolved(value);
  return typeof value === 'string' && /\$\{(Tf)?Token\[/.test(value);
}

/** Collects every problem of one construct's props and throws them together. */
export class PropsProblems {
  private readonly problems: string[] = [];

  constructor(private readonly path: string) {}

  /** Records `<path>: <field> <message>` when `ok` is false. */
  check(ok: boolean, field: string, message: string): void {
    if (!ok) this.problems.push(`${this.path}: ${field} ${message}`);
  }

  add(field: string, message: string): void {
    this.check(false, field, message);
  }

  /** Throws one error listing every recorded problem, one a line. */
  throwIfAny(): void {
    if (this.problems.length === 1) throw new Error(this.problems[0]);
    if (this.problems.length > 1) throw new Error(`${this.problems.length} problems:\n  ${this.problems.join('\n  ')}`);
  }
}

/** RFC 1035 label: what Kubernetes requires of Service names (and what we use for every object name). */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkDnsLabel(problems: PropsProblems, field: string, value: string): void {
  if (isUnresolved(value)) return;
  problems.check(
    typeof value === 'string' && DNS_LABEL.test(value),
    field,
    `("${String(value)}") must be a DNS label: at most 63 lowercase letters, digits or "-", starting with a letter`,
  );
}

export function checkIntegerInRange(
  problems: PropsProblems,
  field: string,
  value: number | undefined,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): void {
  if (value === undefined || isUnresolved(value)) return;
  const ok = Number.isInteger(value) && value >= min && value <= max;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
  problems.check(ok, field, `(${String(value)}) must be ${range}`);
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function checkRoleArn(problems: PropsProblems, field: string, value: string | undefined): void {
  if (value === undefined || isUnresolved(value)) return;
  problems.check(IAM_ROLE_ARN.test(value), field, `("${value}") must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
}

/** IPv4 CIDR such as `10.0.0.0/16`. */
export function checkCidr(problems: PropsProblems, field: string, value: string): void {
  if (isUnresolved(value)) return;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const ok = match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(match[5]) <= 32;
  problems.check(ok, field, `("${value}") must be an IPv4 CIDR such as "10.0.0.0/16"`);
}

export function checkPort(problems: PropsProblems, field: string, value: number | undefined): void {
  checkIntegerInRange(problems, field, value, 1, 65535);
}

/** Label keys and values as Kubernetes accepts them (a prefix of up to 253 characters, a name of up to 63). */
export function checkLabels(problems: PropsProblems, field: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const [prefix, name] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : [undefined, key];
    const nameOk = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/.test(name);
    const prefixOk = prefix === undefined || /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(prefix);
    problems.check(nameOk && prefixOk, `${field}["${key}"]`, 'is not a valid label key');
    if (!isUnresolved(value)) {
      problems.check(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/.test(value), `${field}["${key}"]`, `("${value}") is not a valid label value`);
    }
  }
}
