import * as path from 'node:path';
import { Testing as K8sTesting } from 'cdk8s';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import * as constructsLibrary from '../../constructs';
import * as k8sLibrary from '../../k8s';

/**
 * A JavaScript caller has no type checker: `new Network(scope, 'N', {})` must fail with an Error that
 * names the missing props, not a TypeError from deep inside. The required props of each construct are
 * read from its TypeScript declaration, so a new required prop that the constructor does not check
 * fails here.
 */
const ROOT = path.resolve(__dirname, '../..');
const ENTRIES = { constructs: path.join(ROOT, 'constructs/index.ts'), k8s: path.join(ROOT, 'k8s/index.ts') };

interface ExportedConstruct {
  readonly name: string;
  readonly library: keyof typeof ENTRIES;
  readonly required: { name: string; boolean: boolean }[];
}

function exportedConstructs(): ExportedConstruct[] {
  // The library's lib (tsconfig.json: ES2022, not the default ES2022+DOM) and no @types packages: its
  // sources use no Node API, and @types/* (node, jest, babel...) would be half of the files parsed. The
  // checks below read only flags and types, never JSDoc, so comments are not parsed either.
  const options: ts.CompilerOptions = {
    strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  const program = ts.createProgram({ rootNames: Object.values(ENTRIES), options, host });
  const checker = program.getTypeChecker();
  return (Object.entries(ENTRIES) as [keyof typeof ENTRIES, string][]).flatMap(([library, entry]) => {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    return checker.getExportsOfModule(moduleSymbol).flatMap((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.valueDeclaration;
      // Classes generated from CRDs (k8s/imports) are cdk8s's own ApiObject wrappers, not ours to change.
      if (!(symbol.flags & ts.SymbolFlags.Class) || !declaration || declaration.getSourceFile().fileName.includes('/k8s/imports/')) return [];
      const [signature] = checker.getTypeOfSymbolAtLocation(symbol, declaration).getConstructSignatures();
      const propsParameter = signature?.getParameters()[2];
      if (!propsParameter) return [];
      const propsDeclaration = propsParameter.valueDeclaration as ts.ParameterDeclaration;
      const propsType = checker.getTypeOfSymbolAtLocation(propsParameter, propsDeclaration);
      const required = propsType
        .getProperties()
        .filter((p) => !(p.flags & ts.SymbolFlags.Optional))
        .map((p) => ({ name: p.name, boolean: checker.typeToString(checker.getTypeOfSymbolAtLocation(p, propsDeclaration)) === 'boolean' }));
      return [{ name: symbol.name, library, required }];
    });
  });
}

const modules: Record<keyof typeof ENTRIES, Record<string, unknown>> = { constructs: constructsLibrary, k8s: k8sLibrary };
type AnyConstruct = new (scope: Construct, id: string, props?: unknown) => Construct;

/** What a JavaScript caller would do: no type checking of `props`. */
function construct(target: ExportedConstruct, props: unknown): unknown {
  const Class = modules[target.library][target.name] as AnyConstruct;
  const scope = target.library === 'k8s' ? K8sTesting.chart() : new TerraformStack(Testing.app(), 'Stack');
  try {
    new Class(scope, 'FromJavaScript', props);
    return undefined;
  } catch (error) {
    return error;
  }
}

const all = exportedConstructs().filter((c) => (modules[c.library][c.name] as { prototype?: unknown }).prototype instanceof Construct);

describe('constructs called from JavaScript', () => {
  it('finds the exported constructs', () => {
    expect(all.map((c) => c.name)).toEqual(expect.arrayContaining(['Network', 'KubernetesCluster', 'PostgresDatabase', 'WebService', 'ModelServingChart']));
    expect(all.every((c) => c.required.length > 0)).toBe(true);
  });

  describe.each(all.map((c) => [c.name, c] as const))('%s', (_name, target) => {
    it('names every required prop when props are undefined', () => {
      const error = construct(target, undefined) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      for (const prop of target.required) expect(error.message).toContain(prop.name);
    });

    it('names every required prop when props are {}', () => {
      const error = construct(target, {}) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      for (const prop of target.required) expect(error.message).toContain(`${prop.name} is required`);
    });

    it('names every required prop given a value of the wrong kind', () => {
      const wrong = Object.fromEntries(target.required.map((p) => [p.name, p.boolean ? 'yes' : true]));
      const error = construct(target, wrong) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      for (const prop of target.required) expect(error.message).toContain(`${prop.name} must be`);
    });
  });
});
