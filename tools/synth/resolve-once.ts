/**
 * cdktf's `app.synth()` resolves every token of every stack twice: once in `prepareStack()` (a
 * "preparing" run whose only effect is to discover cross-stack references and add the outputs and
 * remote-state data sources they need) and again when the stack is written, with the same result. This
 * keeps what the preparing run computed for each element and hands it back when the stack is written,
 * so the second run finds nothing left to resolve, and skips the last pass over each whole stack, which
 * finds nothing either (together about a fifth of synth time).
 *
 * It holds because in cdktf 0.21.0 (node_modules/cdktf/lib: terraform-stack.js prepareStack and
 * toTerraform, tfExpression.js Reference.resolve) `context.preparing` changes nothing but the cross-stack
 * bookkeeping, and a reference resolves to the same identifier in both runs. What can change an element
 * between the two runs is an Aspect (invoked per stack just before it is written): elements under a
 * construct with an aspect, its own or inherited, are resolved again as cdktf does. Elements created
 * while preparing (the cross-stack outputs and remote state) were never prepared and are resolved normally.
 * test/tools/synth/resolve-once.test.ts compares the output with and without it.
 */
import { Aspects, DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Token, Tokenization, type App } from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import type { IConstruct } from 'constructs';

/** The elements cdktf writes for `stack`, in its order (terraform-stack.js `terraformElements`). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

/** Whether an aspect applies to `node`: its own, or one of its ancestors' (memoized per construct). */
function aspectsApply(node: IConstruct, memo: Map<IConstruct, boolean>): boolean {
  let applies = memo.get(node);
  if (applies === undefined) {
    const parent = node.node.scope;
    applies = Aspects.of(node).all.length > 0 || (parent !== undefined && aspectsApply(parent, memo));
    memo.set(node, applies);
  }
  return applies;
}

/** Whether `value` holds nothing the final resolve of a stack would change: no token, no undefined. */
function plainData(value: unknown): boolean {
  if (value === undefined || Tokenization.isResolvable(value)) return false;
  if (typeof value === 'string') return !Token.isUnresolved(value);
  if (typeof value === 'number') return !Token.isUnresolved(value);
  if (Array.isArray(value)) return value.every(plainData);
  if (value !== null && typeof value === 'object') return Object.entries(value).every(([k, v]) => !Token.isUnresolved(k) && plainData(v));
  return true;
}

/**
 * cdktf 0.21.0 `deepMerge` (lib/util.js) of `source` into `target`, with the same result, without copying
 * what it need not: deepMerge copies every nested object of `source` into `target`, here that is every
 * attribute of every resource of the stack, a large share of writing a stack. When `borrow` is set and
 * `target` has nothing at a key, `source`'s object is taken as it is (it must hold no undefined value,
 * which deepMerge would drop: resolved data holds none); a borrowed object is copied (shallowly) only when
 * a later merge writes into it, so the sources are never changed. `owned` holds the objects this merge may
 * write into: the target and the copies it made.
 */
export function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, owned: WeakSet<object>, borrow: boolean): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const existing = target[key];
      if (typeof existing !== 'object' || Tokenization.isResolvable(value)) {
        // deepMerge: a resolvable is taken as it is; otherwise it copies into a new object.
        if (borrow || Tokenization.isResolvable(value)) {
          target[key] = value;
          continue;
        }
        target[key] = {};
      } else if (existing === null) {
        // deepMerge(null, value) reads a key of null: fails (or does nothing) as cdktf's does.
        deepMerge(existing, value);
        continue;
      } else if (!owned.has(existing)) {
        target[key] = { ...existing };
      }
      const into = target[key] as Record<string, unknown>;
      owned.add(into);
      mergeInto(into, value as Record<string, unknown>, owned, borrow);
    } else if (Array.isArray(value)) {
      const existing = target[key];
      target[key] = Array.isArray(existing) ? [...(existing as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}

interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: string;
}

export interface ResolveOnceOptions {
  /**
   * Called once, inside `app.synth()`, when every stack is prepared (cross-stack references are all
   * known) and before the first is written.
   */
  readonly afterPrepare?: () => void;
}

/** Makes the next `app.synth()` resolve each element once; call after building, right before synth. */
export function resolveOnce(app: App, options: ResolveOnceOptions = {}): void {
  // As cdktf's own resolve (lib/_tokens.js).
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (scope: TerraformStack, value: unknown, preparing = false): unknown => Tokenization.resolve(value, { scope, preparing, resolver });
  const memo = new Map<IConstruct, boolean>();
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  let unprepared = stacks.length;
  for (const stack of stacks) {
    const prepared = new Map<TerraformElement, unknown>();
    let done = false;
    stack.prepareStack = function prepareStackOnce(this: TerraformStack): void {
      this.ensureBackendExists();
      for (const element of terraformElements(this)) {
        const resolved = resolve(this, element.toTerraform(), true);
        if (!aspectsApply(element, memo)) prepared.set(element, resolved);
      }
      // app.synth() prepares every stack, then writes them (cdktf 0.21.0 lib/app.js synth).
      if (!done && ((done = true), --unprepared === 0)) options.afterPrepare?.();
    };
    const cdktfToTerraform = stack.toTerraform.bind(stack);
    /**
     * cdktf 0.21.0 TerraformStack.toTerraform (lib/terraform-stack.js), with each prepared element taken as
     * resolved and without the final pass over the merged document, which finds nothing to resolve
     * when the stack's overrides hold no token and no undefined (else cdktf's own runs).
     */
    stack.toTerraform = function toTerraformOnce(this: TerraformStack): unknown {
      const { rawOverrides, cdktfVersion } = this as unknown as StackInternals;
      if (prepared.size === 0 || !plainData(rawOverrides)) return cdktfToTerraform();
      const metadata: Record<string, unknown> = {
        version: cdktfVersion,
        stackName: this.node.id,
        backend: 'local',
        cloud: undefined,
        ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
      };
      const elements = terraformElements(this);
      for (const element of elements) deepMerge(metadata, resolve(this, element.toMetadata()));
      const outputs: Record<string, unknown> = {};
      for (const element of elements) {
        if (!TerraformOutput.isTerraformOutput(element)) continue;
        deepMerge(
          outputs,
          element.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: element.friendlyUniqueId } : { [part]: inner }), {}),
        );
      }
      // The final pass of cdktf also drops undefined values, here metadata.cloud.
      const tf = resolve(this, { '//': { metadata, outputs } }) as Record<string, unknown>;
      // Each element's resolved document is merged in (borrowed, never changed), the overrides copied in.
      const owned = new WeakSet<object>([tf]);
      for (const element of elements) mergeInto(tf, (prepared.has(element) ? prepared.get(element) : resolve(this, element.toTerraform())) as Record<string, unknown>, owned, true);
      mergeInto(tf, rawOverrides, owned, false);
      return tf;
    };
  }
}
