import { ruleOf } from './rules';
import type { Finding, PolicyReport } from './types';

function rank(finding: Finding): number {
  if (finding.suppressed) return 2;
  return finding.severity === 'error' ? 0 : 1;
}

function compare(a: Finding, b: Finding): number {
  return (
    rank(a) - rank(b) ||
    a.file.localeCompare(b.file) ||
    a.address.localeCompare(b.address) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

export function buildReport(findings: readonly Finding[], files: readonly string[]): PolicyReport {
  const sorted = [...findings].sort(compare);
  const active = sorted.filter((finding) => !finding.suppressed);
  const errors = active.filter((finding) => finding.severity === 'error').length;
  const warnings = active.length - errors;
  return {
    files: [...files],
    findings: sorted,
    summary: { findings: active.length, errors, warnings, suppressed: sorted.length - active.length, files: files.length },
    // DESIGN.md: exit 1 on any unsuppressed finding, warnings included.
    ok: active.length === 0,
  };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary line: `N findings (E errors, W warnings), S suppressed in F files`, singular when a count is 1. */
export function formatSummary(report: PolicyReport): string {
  const { findings, errors, warnings, suppressed, files } = report.summary;
  return `${count(findings, 'finding', 'findings')} (${count(errors, 'error', 'errors')}, ${count(warnings, 'warning', 'warnings')}), ${suppressed} suppressed in ${count(files, 'file', 'files')}`;
}

/**
 * One finding a line, `RULE-ID  address  message (file)`, errors first, then warnings (message
 * prefixed `[warning]`), then suppressed findings (prefixed `[suppressed: reason]`); then the summary.
 */
export function formatText(report: PolicyReport): string {
  const lines = report.findings.map((finding) => {
    const marker = finding.suppressed
      ? `[suppressed: ${finding.suppressionReason ?? ''}] `
      : finding.severity === 'warning'
        ? '[warning] '
        : '';
    return `${finding.ruleId}  ${finding.address}  ${marker}${finding.message} (${finding.file})`;
  });
  return [...lines, formatSummary(report)].join('\n') + '\n';
}

/** The report as JSON, with the rules its findings refer to (title, fix, link). */
export function formatJson(report: PolicyReport): string {
  const used = [...new Set(report.findings.map((finding) => finding.ruleId))].sort().map(ruleOf);
  return JSON.stringify({ ok: report.ok, summary: report.summary, files: report.files, findings: report.findings, rules: used }, null, 2) + '\n';
}
