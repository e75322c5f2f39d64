/**
 * cdktf's `app.synth()` resolves every token of every stack twice: once in `prepareStack()` (a
 * "preparing" run whose only effect is to discover cross-stack references and add the outputs and
 * remote-state data sources they need) and again when the stack is written, with the same result. This
 * keeps what the preparing run computed for each element and hands it back when the stack is written,
 * so the second run finds nothing left to resolve (about a fifth of synth time).
 *
 * It holds because in cdktf 0.21.0 (node_modules/cdktf/lib: terraform-stack.js prepareStack and
 * toTerraform, tfExpression.js Reference.resolve) `context.preparing` changes nothing but the cross-stack
 * bookkeeping, and a reference resolves to the same identifier in both runs. What can change an element
 * between the two runs is an Aspect (invoked per stack just before it is written): elements under a
 * construct with an aspect, its own or inherited, are resolved again as cdktf does. Elements created
 * while preparing (the cross-stack outputs and remote state) were never prepared and are resolved normally.
 * test/tools/synth/resolve-once.test.ts compares the output with and without it.
 */
import { Aspects, DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, Tokenization, type App } from 'cdktf';
import type { IConstruct } from 'constructs';

/** The elements cdktf writes for `stack`, in its order (terraform-stack.js `terraformElements`). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

/** Whether an aspect applies to `node`: its own, or one of its ancestors'. */
function hasAspect(node: IConstruct): boolean {
  return node.node.scopes.some((scope) => Aspects.of(scope).all.length > 0);
}

/** Makes the next `app.synth()` resolve each element once; call after building, right before synth. */
export function resolveOnce(app: App): void {
  // As cdktf's own resolve (lib/_tokens.js).
  const resolver = new DefaultTokenResolver(new StringConcat());
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    stack.prepareStack = function prepareStackOnce(this: TerraformStack): void {
      this.ensureBackendExists();
      for (const element of terraformElements(this)) {
        const resolved: unknown = Tokenization.resolve(element.toTerraform(), { scope: this, preparing: true, resolver });
        if (!hasAspect(element)) element.toTerraform = () => resolved;
      }
    };
  }
}
