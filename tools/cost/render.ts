/** Text, Markdown and JSON views of a cost estimate. Pure: strings in, strings out. */
import type { Comparison, CostEstimate, EnvironmentDelta, LineItem } from './estimate';
import { toJson } from './estimate';

export type OutputFormat = 'text' | 'markdown' | 'json';

export function money(n: number): string {
  const sign = n < 0 ? '-' : '';
  return `${sign}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function signedMoney(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  if (rounded === 0) return '±$0.00';
  return rounded > 0 ? `+${money(rounded)}` : money(rounded);
}

function quantity(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function unitPrice(l: LineItem): string {
  const digits = l.unitPrice === 0 ? 2 : Math.min(6, Math.max(2, -Math.floor(Math.log10(l.unitPrice)) + 3));
  const text = l.unitPrice.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits });
  return `$${text}/${l.unit}`;
}

function deltaText(d: EnvironmentDelta | undefined): string {
  if (!d) return '';
  if (d.status === 'new') return `new (${signedMoney(d.delta)})`;
  if (d.status === 'removed') return `removed (${signedMoney(d.delta)})`;
  return signedMoney(d.delta);
}

function header(e: CostEstimate): string {
  return `prices as of ${e.pricesAsOf} (tools/cost/prices.ts), EKS support judged on ${e.asOf}, ${e.hoursPerMonth} h/month, USD`;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

export function renderText(estimate: CostEstimate, comparison?: Comparison): string {
  const out: string[] = [`Monthly cost estimate: ${header(estimate)}`, ''];
  const deltas = new Map(comparison?.environments.map((d) => [d.name, d]));
  for (const env of estimate.environments) {
    const d = deltas.get(env.name);
    out.push(`${env.name}${env.regions.length ? ` (${env.regions.join(', ')})` : ''}: ${money(env.monthly)}/month${d ? `  [${deltaText(d)} vs base]` : ''}`);
    for (const stack of env.stacks) {
      out.push(`  ${stack.name}: ${money(stack.monthly)}`);
      if (stack.lines.length === 0) continue;
      const rows = [['Resource type', 'Item', 'Count', 'Quantity', 'Unit price', 'Monthly', 'Note']];
      for (const l of stack.lines) rows.push([l.resourceType, l.item, String(l.count), `${quantity(l.quantity)} ${l.unit}`, unitPrice(l), money(l.monthly), l.note ?? '']);
      out.push(...table(rows, new Set([2, 3, 4, 5])).map((r) => `    ${r}`));
    }
    out.push('');
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) {
    out.push(`${d.name}: removed (was ${money(d.base)}/month)`, '');
  }
  const summary = [['Environment', 'Monthly', ...(comparison ? ['Base', 'Delta'] : [])]];
  for (const env of estimate.environments) {
    const d = deltas.get(env.name);
    summary.push([env.name, money(env.monthly), ...(comparison ? [d && d.status !== 'new' ? money(d.base) : '-', deltaText(d)] : [])]);
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) summary.push([d.name, '-', money(d.base), deltaText(d)]);
  summary.push(['Total', money(estimate.monthly), ...(comparison ? [money(comparison.base), signedMoney(comparison.delta)] : [])]);
  out.push('Summary', ...table(summary, new Set([1, 2, 3])).map((r) => `  ${r}`), '');
  out.push(`Grand total: ${money(estimate.monthly)}/month${comparison ? ` (${signedMoney(comparison.delta)} vs base ${money(comparison.base)})` : ''}`, '');
  out.push('Assumptions (tools/cost/assumptions.ts):', ...estimate.assumptions.map((a) => `  - ${a}`));
  if (estimate.warnings.length > 0) out.push('', 'Warnings:', ...estimate.warnings.map((w) => `  - ${w}`));
  return `${out.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(estimate: CostEstimate, comparison?: Comparison): string {
  const deltas = new Map(comparison?.environments.map((d) => [d.name, d]));
  const out: string[] = ['## Monthly cost estimate', '', `_${header(estimate)}_`, ''];
  out.push(comparison ? '| Environment | Monthly | Base | Delta |' : '| Environment | Monthly |', comparison ? '|---|---:|---:|---:|' : '|---|---:|');
  for (const env of estimate.environments) {
    const d = deltas.get(env.name);
    out.push(comparison ? `| ${env.name} | ${money(env.monthly)} | ${d && d.status !== 'new' ? money(d.base) : '-'} | ${deltaText(d)} |` : `| ${env.name} | ${money(env.monthly)} |`);
  }
  for (const d of comparison?.environments.filter((x) => x.status === 'removed') ?? []) out.push(`| ${d.name} | - | ${money(d.base)} | ${deltaText(d)} |`);
  out.push(
    comparison
      ? `| **Total** | **${money(estimate.monthly)}** | ${money(comparison.base)} | **${signedMoney(comparison.delta)}** |`
      : `| **Total** | **${money(estimate.monthly)}** |`,
    '',
  );
  for (const env of estimate.environments) {
    out.push(`<details><summary><b>${env.name}</b>${env.regions.length ? ` (${env.regions.join(', ')})` : ''}: ${money(env.monthly)}/month</summary>`, '');
    out.push('| Stack | Resource type | Item | Count | Quantity | Unit price | Monthly | Note |', '|---|---|---|---:|---:|---:|---:|---|');
    for (const stack of env.stacks) {
      for (const l of stack.lines) {
        out.push(`| ${cell(stack.name)} | \`${l.resourceType}\` | ${cell(l.item)} | ${l.count} | ${quantity(l.quantity)} ${l.unit} | ${unitPrice(l)} | ${money(l.monthly)} | ${cell(l.note ?? '')} |`);
      }
      out.push(`| **${cell(stack.name)}** | | | | | | **${money(stack.monthly)}** | |`);
    }
    out.push('', '</details>', '');
  }
  out.push('<details><summary>Assumptions</summary>', '', ...estimate.assumptions.map((a) => `- ${a}`), '', '</details>');
  if (estimate.warnings.length > 0) out.push('', '**Warnings**', '', ...estimate.warnings.map((w) => `- ${w}`));
  return `${out.join('\n')}\n`;
}

export function renderJson(estimate: CostEstimate, comparison?: Comparison): string {
  return `${JSON.stringify({ ...toJson(estimate), ...(comparison ? { comparison } : {}) }, null, 2)}\n`;
}

export function render(format: OutputFormat, estimate: CostEstimate, comparison?: Comparison): string {
  if (format === 'json') return renderJson(estimate, comparison);
  if (format === 'markdown') return renderMarkdown(estimate, comparison);
  return renderText(estimate, comparison);
}
