/**
 * Renders stack summaries as GitHub-flavoured Markdown for a sticky pull-request comment, within a
 * length budget. Only the resource tables are ever cut; the counts and the data-loss warning stay.
 */
import { GROUP_ORDER, naturalCompare, planLine, type AttributeChange, type Group, type ShownValue, type StackSummary, type SummaryEntry } from './summary';

/** GitHub rejects comments longer than 65,536 characters; leave room for the header the workflow adds. */
export const DEFAULT_MAX_LENGTH = 60_000;

export interface RenderOptions {
  /** @default DEFAULT_MAX_LENGTH */
  readonly maxLength?: number;
  /** @default '## Terraform plan' */
  readonly title?: string;
  /**
   * Stacks whose plan could not be read, with why: shown beside the readable ones, so one bad file does not
   * hide every other stack's plan.
   * @default []
   */
  readonly unreadable?: readonly UnreadablePlan[];
}

export interface UnreadablePlan {
  readonly name: string;
  readonly reason: string;
}

function renderUnreadable(item: UnreadablePlan): string {
  return [`### ${inlineCode(item.name)}`, '', '> [!WARNING]', `> This stack's plan could not be read: ${elide(item.reason.replace(/\r?\n/g, ' '), MAX_DETAILS_CHARS)}`].join('\n');
}

/** Stacks whose table has at most this many rows are shown expanded. */
const OPEN_DETAILS_MAX_ROWS = 25;
/** Longest value shown in a table cell; the rest is elided. */
const MAX_VALUE_CHARS = 60;
const MAX_DETAILS_CHARS = 1_000;

const GROUP_HEADINGS: Record<Group, string> = {
  delete: 'Destroy',
  replace: 'Replace',
  update: 'Update in place',
  create: 'Create',
  import: 'Import',
  move: 'Move',
  forget: 'Forget (removed from state, not destroyed)',
};

const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: 'tainted',
  replace_by_request: 'replacement requested (`-replace`)',
  replace_by_triggers: '`replace_triggered_by`',
  delete_because_no_resource_config: 'not in configuration',
  delete_because_no_module: 'its module is not in configuration',
  delete_because_wrong_repetition: '`count`/`for_each` changed',
  delete_because_count_index: 'index out of range for `count`',
  delete_because_each_key: 'key not in `for_each`',
  delete_because_no_move_target: 'move target not in configuration',
};

const TABLE_HEADER = '| Address | Type | Details |\n| --- | --- | --- |';

/**
 * A Markdown code span that survives table cells: pipes escaped, newlines flattened, backticks fenced.
 * Only for table cells: GitHub removes the `\` before a `|` in a table row, but shows it anywhere
 * else, so text outside tables uses `inlineCode`.
 */
export function code(text: string): string {
  return codeSpan(text.replace(/\|/g, '\\|'));
}

/** A Markdown code span outside tables (headings, lists, paragraphs): newlines flattened, backticks fenced, `|` kept. */
export function inlineCode(text: string): string {
  return codeSpan(text);
}

function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 || flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function elide(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function renderValue(value: ShownValue | undefined): string {
  switch (value?.kind) {
    case 'value':
      return code(elide(value.json, MAX_VALUE_CHARS));
    case 'sensitive':
      return '(sensitive value)';
    case 'unknown':
      return '(known after apply)';
    default:
      return code('null');
  }
}

function renderAttribute(attr: AttributeChange, showBefore: boolean): string {
  let text = code(attr.name);
  if (attr.sensitive) {
    text += ' (sensitive)';
  } else if (attr.after !== undefined) {
    text += showBefore && attr.before !== undefined ? ` ${renderValue(attr.before)} -> ${renderValue(attr.after)}` : ` = ${renderValue(attr.after)}`;
  }
  if (attr.forcesReplacement) text += ' **forces replacement**';
  return text;
}

function entryDetails(entry: SummaryEntry): string {
  const parts: string[] = [];
  if (entry.dataLoss !== undefined) parts.push(`**destroys data: ${entry.dataLoss}**`);
  if (entry.replaceOrder !== undefined) parts.push(`**${entry.replaceOrder}**`);
  if (entry.deposed !== undefined) parts.push(`deposed object ${code(entry.deposed)}`);
  if (entry.actionReason !== undefined && ACTION_REASONS[entry.actionReason] !== undefined) parts.push(ACTION_REASONS[entry.actionReason]);
  if (entry.previousAddress !== undefined) {
    parts.push(entry.group === 'move' ? `${code(entry.previousAddress)} -> ${code(entry.address)}` : `moved from ${code(entry.previousAddress)}`);
  }
  if (entry.importId !== undefined) parts.push(`import id ${code(entry.importId)}`);
  else if (entry.importByIdentity) parts.push('import by resource identity');
  else if (entry.group === 'import') parts.push('import');
  if (entry.attributes.length > 0) {
    const attrs = entry.attributes.map((a) => renderAttribute(a, entry.group !== 'create')).join(', ');
    parts.push(entry.group === 'create' ? attrs : `changed: ${attrs}`);
  }
  return elide(parts.join('; '), MAX_DETAILS_CHARS);
}

function renderRow(entry: SummaryEntry): string {
  return `| ${code(entry.address)} | ${code(entry.type)} | ${entryDetails(entry)} |`;
}

function groupHeading(group: Group, total: number): string {
  return `\n**${GROUP_HEADINGS[group]}** (${formatCount(total)})\n\n${TABLE_HEADER}`;
}

function truncationNote(hidden: number): string {
  return `\n… and ${plural(hidden, 'more change', 'more changes')} not shown; see the plan artifact.`;
}

interface DataLossItem {
  readonly stack: string;
  readonly entry: SummaryEntry;
}

function cautionItem({ stack, entry }: DataLossItem): string {
  const what = entry.group === 'replace' ? `replaced (${entry.replaceOrder})` : 'destroyed';
  const deposed = entry.deposed !== undefined ? ` (deposed object ${inlineCode(entry.deposed)})` : '';
  return `> - ${inlineCode(entry.address)}${deposed} in ${inlineCode(stack)}: ${entry.dataLoss} will be **${what}**`;
}

/** The warning block; `shown` items listed, the rest counted. */
function renderCaution(items: readonly DataLossItem[], shown: number): string {
  if (items.length === 0) return '';
  const lines = [
    '> [!CAUTION]',
    `> **${plural(items.length, 'data-holding resource', 'data-holding resources')} will be destroyed or replaced.** Make sure this is intended and the data is backed up.`,
    '>',
    ...items.slice(0, shown).map(cautionItem),
  ];
  if (shown < items.length) lines.push(`> - … and ${formatCount(items.length - shown)} more; see the plan artifact.`);
  return lines.join('\n');
}

const PLANNING_FAILED = '**Planning failed**';

function stackHead(stack: StackSummary): string {
  const lines = [`### ${inlineCode(stack.name)}`, ''];
  if (stack.errored) {
    // An errored plan never says "No changes": what it lists is only what was planned before the error.
    lines.push('> [!WARNING]', '> Planning failed for this stack: the plan is incomplete and cannot be applied.', '');
    if (stack.entries.length === 0) {
      lines.push(`${PLANNING_FAILED}. See the plan job's log for the error.`);
      return lines.join('\n');
    }
    lines.push(`${PLANNING_FAILED}. Changes planned before the error (incomplete):`, '');
  }
  if (!stack.complete || stack.deferredCount > 0) {
    const deferred = stack.deferredCount > 0 ? ` (${plural(stack.deferredCount, 'resource change', 'resource changes')} deferred)` : '';
    lines.push('> [!NOTE]', `> This plan is partial: some changes are deferred until another plan has been applied${deferred}.`, '');
  }
  const extras = [...driftLines(stack), ...actionLines(stack)];
  // As Terraform's own renderer (internal/command/jsonformat/plan.go, v1.15.9): "No changes" only when there are no
  // resource changes, no output changes and no action invocations.
  if (stack.entries.length === 0) {
    if (stack.actionInvocations.length > 0) {
      lines.push('No changes to resources.');
    } else {
      lines.push(
        stack.outputChanges.length === 0
          ? 'No changes. Your infrastructure matches the configuration.'
          : `No changes to resources. Outputs that change: ${stack.outputChanges.map(inlineCode).join(', ')}.`,
      );
    }
    if (stack.outputChanges.length > 0 && stack.actionInvocations.length > 0) lines.push('', `Outputs that change: ${stack.outputChanges.map(inlineCode).join(', ')}.`);
    lines.push(...extras);
    return lines.join('\n');
  }
  lines.push(planLine(stack.counts));
  lines.push(...extras);
  if (stack.counts.move > 0) {
    lines.push('', `${plural(stack.counts.move, 'resource moves', 'resources move')} to a new address (state only; the objects are kept).`);
  }
  if (stack.outputChanges.length > 0) lines.push('', `Outputs that change: ${stack.outputChanges.map(inlineCode).join(', ')}.`);
  return lines.join('\n');
}

/** Most drifted or invoked items listed by name in a stack's head; the rest are counted. */
const MAX_LISTED = 10;

function listed<T>(items: readonly T[], render: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LISTED).map((item) => `- ${render(item)}`);
  if (items.length > MAX_LISTED) lines.push(`- … and ${formatCount(items.length - MAX_LISTED)} more`);
  return lines;
}

/** `resource_drift`: Terraform's "Objects have changed outside of Terraform" note. */
function driftLines(stack: StackSummary): string[] {
  if (stack.drift.length === 0) return [];
  return [
    '',
    `**Changed outside of Terraform** (${formatCount(stack.drift.length)}): the refresh found these objects differ from the last apply; the plan already accounts for it.`,
    '',
    ...listed(stack.drift, (d) => `${inlineCode(d.address)}: ${d.change}`),
  ];
}

function actionLines(stack: StackSummary): string[] {
  if (stack.actionInvocations.length === 0) return [];
  return [
    '',
    `**Actions to invoke** (${formatCount(stack.actionInvocations.length)}): applying this plan runs them.`,
    '',
    ...listed(stack.actionInvocations, (a) => `${inlineCode(a.address)}: ${a.trigger}`),
  ];
}

function overviewLine(s: StackSummary): string {
  if (s.errored) return s.entries.length === 0 ? PLANNING_FAILED : `${PLANNING_FAILED} (incomplete: ${planLine(s.counts)})`;
  const actions = s.actionInvocations.length > 0 ? ` ${plural(s.actionInvocations.length, 'action', 'actions')} to invoke.` : '';
  const drift = s.drift.length > 0 ? ` ${formatCount(s.drift.length)} changed outside Terraform.` : '';
  if (s.entries.length === 0) {
    if (actions !== '') return `No resource changes.${actions}${drift}`;
    return `${s.outputChanges.length === 0 ? 'No changes.' : 'Outputs only.'}${drift}`;
  }
  return `${planLine(s.counts)}${actions}${drift}`;
}

function overview(stacks: readonly StackSummary[], unreadable: readonly UnreadablePlan[]): string {
  const rows = stacks.map((s) => {
    const line = overviewLine(s);
    const risk = s.entries.some((e) => e.dataLoss !== undefined) ? ' :warning: data loss' : '';
    return `| ${code(s.name)} | ${line}${risk} |`;
  });
  const bad = unreadable.map((u) => `| ${code(u.name)} | :x: plan unreadable |`);
  return ['| Stack | Plan |', '| --- | --- |', ...rows, ...bad].join('\n');
}

/** Rows allowed per stack: the first `n` entries of each group, in the order they were accepted. */
type Allowance = Map<number, Map<Group, number>>;

function renderStack(stack: StackSummary, allowed: Map<Group, number> | undefined): string {
  const head = stackHead(stack);
  if (stack.entries.length === 0) return head;
  const parts = [head, '', `<details${stack.entries.length <= OPEN_DETAILS_MAX_ROWS ? ' open' : ''}><summary>${plural(stack.entries.length, 'changed resource', 'changed resources')}</summary>`];
  let shownTotal = 0;
  for (const group of GROUP_ORDER) {
    const inGroup = stack.entries.filter((e) => e.group === group);
    const shown = Math.min(inGroup.length, allowed?.get(group) ?? 0);
    if (shown === 0) continue;
    shownTotal += shown;
    parts.push(groupHeading(group, inGroup.length), ...inGroup.slice(0, shown).map(renderRow));
  }
  if (shownTotal < stack.entries.length) parts.push(truncationNote(stack.entries.length - shownTotal));
  parts.push('', '</details>');
  return parts.join('\n');
}

function assemble(title: string, stacks: readonly StackSummary[], caution: string, allowance: Allowance, unreadable: readonly UnreadablePlan[]): string {
  const sections = [title];
  if (caution !== '') sections.push(caution);
  if (stacks.length + unreadable.length > 1) sections.push(overview(stacks, unreadable));
  stacks.forEach((stack, i) => sections.push(renderStack(stack, allowance.get(i))));
  unreadable.forEach((item) => sections.push(renderUnreadable(item)));
  return `${sections.join('\n\n')}\n`;
}

/**
 * Renders the comment. Each stack's rows are admitted destructive first (deletes and replaces before
 * updates and creates), so what is cut is the least risky; the room is shared fairly between stacks.
 */
export function renderMarkdown(stacks: readonly StackSummary[], options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const title = options.title ?? '## Terraform plan';
  const unreadable = options.unreadable ?? [];

  // Stack by stack, each stack's addresses in natural order (`b[2]` before `b[10]`), destroys and replaces together.
  const dataLoss: DataLossItem[] = stacks.flatMap((s) =>
    s.entries
      .filter((e) => e.dataLoss !== undefined)
      .sort((a, b) => naturalCompare(a.address, b.address))
      .map((entry) => ({ stack: s.name, entry })),
  );

  // The fixed part: every stack with no rows, which still reserves each stack's truncation note.
  const noRows: Allowance = new Map();
  let cautionShown = dataLoss.length;
  let caution = renderCaution(dataLoss, cautionShown);
  let fixed = assemble(title, stacks, caution, noRows, unreadable).length;
  if (fixed > maxLength) {
    // Only when thousands of data-holding resources go: list what fits, keep the count. A comment over
    // GitHub's limit is not posted at all, which would hide the warning entirely.
    const overflow = fixed - maxLength;
    const itemLengths = dataLoss.map((item) => cautionItem(item).length + 1);
    let freed = 0;
    while (cautionShown > 0 && freed < overflow + 80) freed += itemLengths[--cautionShown];
    caution = renderCaution(dataLoss, cautionShown);
    fixed = assemble(title, stacks, caution, noRows, unreadable).length;
  }

  // Each stack's rows in its own order (destructive first), with what each costs in characters.
  const rowCosts = stacks.map((stack) => {
    const costs: { readonly group: Group; readonly cost: number }[] = [];
    for (const group of GROUP_ORDER) {
      const inGroup = stack.entries.filter((e) => e.group === group);
      inGroup.forEach((entry, i) => {
        const heading = i === 0 ? groupHeading(group, inGroup.length).length + 1 : 0;
        costs.push({ group, cost: heading + renderRow(entry).length + 1 });
      });
    }
    return costs;
  });

  // Share the room fairly: a small stack is shown whole, and what it leaves over goes to the big ones,
  // so one huge stack cannot push a small stack's changes out of the comment.
  const admitted = stacks.map(() => 0);
  let remaining = maxLength - fixed;
  let active = stacks.map((_, i) => i).filter((i) => rowCosts[i].length > 0);
  const totalCost = (i: number) => rowCosts[i].reduce((sum, r) => sum + r.cost, 0);
  for (;;) {
    const share = Math.floor(remaining / Math.max(1, active.length));
    const fitting = active.filter((i) => totalCost(i) <= share);
    if (fitting.length === 0) break;
    for (const i of fitting) {
      admitted[i] = rowCosts[i].length;
      remaining -= totalCost(i);
    }
    active = active.filter((i) => !fitting.includes(i));
  }
  const share = Math.floor(remaining / Math.max(1, active.length));
  for (const i of active) {
    let used = 0;
    while (admitted[i] < rowCosts[i].length && used + rowCosts[i][admitted[i]].cost <= share) used += rowCosts[i][admitted[i]++].cost;
  }

  const allowance: Allowance = new Map();
  admitted.forEach((n, i) => {
    const perStack = new Map<Group, number>();
    for (const { group } of rowCosts[i].slice(0, n)) perStack.set(group, (perStack.get(group) ?? 0) + 1);
    allowance.set(i, perStack);
  });

  let out = assemble(title, stacks, caution, allowance, unreadable);
  // The accounting above is exact for the current layout; this guards it against future edits.
  while (out.length > maxLength && allowance.size > 0) {
    for (const [stack, groups] of allowance) {
      for (const [group, n] of groups) groups.set(group, Math.floor(n / 2));
      if ([...groups.values()].every((n) => n === 0)) allowance.delete(stack);
    }
    out = assemble(title, stacks, caution, allowance, unreadable);
  }
  return out;
}
