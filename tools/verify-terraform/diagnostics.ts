/**
 * Terraform's own messages, read from its machine-readable output: `validate -json` (Terraform CLI docs
 * "Command: validate", JSON output format 1.0) and the `-json` UI stream of plan/apply/destroy (docs
 * "Machine-readable UI", v1.11: one JSON object a line with `type` and, for `diagnostic`, a `diagnostic`
 * object; `apply_complete`/`apply_errored` carry `hook.resource.resource_type` and `hook.action`).
 * OpenTofu 1.12 writes the same shapes.
 */
import { isRecord, type JsonObject } from '../lib/terraform-json';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** Resource address when Terraform gives one (UI stream), else undefined. */
  readonly address?: string;
  /** `file:line` when Terraform gives a source range. */
  readonly where?: string;
}

function toDiagnostic(value: unknown): Diagnostic | undefined {
  if (!isRecord(value)) return undefined;
  const severity = value.severity === 'warning' ? 'warning' : 'error';
  const range = isRecord(value.range) ? value.range : undefined;
  const start = range && isRecord(range.start) ? range.start : undefined;
  const file = range && typeof range.filename === 'string' ? `${range.filename}${start && typeof start.line === 'number' ? `:${start.line}` : ''}` : undefined;
  // The snippet's context names the block (`resource.aws_vpc.Network_...`), more telling than a line number.
  const context = isRecord(value.snippet) && typeof value.snippet.context === 'string' ? value.snippet.context : undefined;
  const where = [file, context].filter((part) => part !== undefined).join(', ') || undefined;
  return {
    severity,
    summary: typeof value.summary === 'string' ? value.summary : '(no summary)',
    detail: typeof value.detail === 'string' ? value.detail : '',
    address: typeof value.address === 'string' ? value.address : undefined,
    where,
  };
}

export interface ValidateOutput {
  readonly valid: boolean;
  readonly diagnostics: Diagnostic[];
}

/** Parses `validate -json` stdout; undefined when it is not that document (Terraform failed before it). */
export function parseValidate(stdout: string): ValidateOutput | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.valid !== 'boolean') return undefined;
  const diagnostics = (Array.isArray(parsed.diagnostics) ? parsed.diagnostics : []).map(toDiagnostic).filter((d): d is Diagnostic => d !== undefined);
  return { valid: parsed.valid, diagnostics };
}

/** The lines of a `-json` UI stream that are JSON objects (Terraform may print plain text before it starts). */
export function uiMessages(stdout: string): JsonObject[] {
  const messages: JsonObject[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed)) messages.push(parsed);
    } catch {
      // a partial line of a killed run
    }
  }
  return messages;
}

export const uiDiagnostics = (messages: readonly JsonObject[]): Diagnostic[] =>
  messages.filter((m) => m.type === 'diagnostic').map((m) => toDiagnostic(m.diagnostic)).filter((d): d is Diagnostic => d !== undefined);

/**
 * Errors from plain-text output (what `init` prints, and any command that failed before its JSON began):
 * Terraform frames each as a box whose first line is `Error: <summary>`. Box characters and colour are
 * stripped; the summary and the following non-empty lines form the message.
 */
export function textErrors(text: string): Diagnostic[] {
  const lines = text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.replace(/^[\s│╷╵]+/, '').trimEnd());
  const errors: Diagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^Error: (.*)$/.exec(lines[i]);
    if (!match) continue;
    const detail: string[] = [];
    for (let j = i + 1; j < lines.length && !/^(Error|Warning): /.test(lines[j]); j++) if (lines[j] !== '') detail.push(lines[j]);
    errors.push({ severity: 'error', summary: match[1], detail: detail.join(' ') });
  }
  return errors;
}

/** One line for a diagnostic: `summary: detail (where)`, the detail cut to `max` characters. */
export function describe(diagnostic: Diagnostic, max = 400): string {
  const detail = diagnostic.detail.replace(/\s+/g, ' ').trim();
  const cut = detail.length > max ? `${detail.slice(0, max)}...` : detail;
  const place = diagnostic.address ?? diagnostic.where;
  return `${diagnostic.summary}${cut ? `: ${cut}` : ''}${place ? ` (${place})` : ''}`;
}
