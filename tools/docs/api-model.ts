/**
 * Reads the public API of the library (every construct class exported from `constructs/index.ts` and
 * `k8s/index.ts`, with its props interface) from the TSDoc in the sources, through the TypeScript
 * compiler API. `npm run docs` renders it to Markdown; `test/library/api-docs.test.ts` checks it is
 * complete, so the rendered docs never have holes.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** The entry points of the published package, relative to the repository root. */
export const API_ENTRY_POINTS = [
  { module: 'constructs', file: 'constructs/index.ts', importPath: '@mlops-platform/infrastructure/constructs' },
  { module: 'k8s', file: 'k8s/index.ts', importPath: '@mlops-platform/infrastructure/k8s' },
] as const;

export interface ApiProp {
  readonly name: string;
  /** The type as written in the source (`readonly string[]`, `NatMode`). */
  readonly type: string;
  readonly optional: boolean;
  readonly description: string;
  /** Text of the `@default` tag, or undefined when there is none. */
  readonly defaultValue?: string;
  /** The interface that declares it (differs from the props interface for inherited props). */
  readonly declaredIn: string;
  /** Repository-relative file of the declaration; undefined when it comes from a dependency. */
  readonly file?: string;
  readonly line: number;
}

export interface ApiMember {
  readonly name: string;
  readonly kind: 'property' | 'method';
  /** A property's type, or a method's signature without its name. */
  readonly signature: string;
  readonly description: string;
}

export interface ApiConstruct {
  readonly name: string;
  /** `constructs` or `k8s`. */
  readonly module: string;
  readonly importPath: string;
  readonly description: string;
  readonly file: string;
  readonly line: number;
  /** Direct base class as written (`Construct`, `Chart`). */
  readonly extends: string;
  readonly constructorSignature: string;
  /** The props interface of the constructor's `props` parameter, when it has one. */
  readonly propsInterface?: { readonly name: string; readonly description: string; readonly props: readonly ApiProp[] };
  /** Public properties and methods declared on the class itself. */
  readonly members: readonly ApiMember[];
}

export interface ApiModel {
  readonly constructs: readonly ApiConstruct[];
  /** Entry points that do not exist yet (a folder still being written). */
  readonly missingEntryPoints: readonly string[];
}

/** Reads the API of the library at `root` (the repository root). */
export function readApiModel(root: string): ApiModel {
  const entries = API_ENTRY_POINTS.filter((e) => fs.existsSync(path.join(root, e.file)));
  const missingEntryPoints = API_ENTRY_POINTS.filter((e) => !entries.includes(e)).map((e) => e.file);
  // The library's lib (tsconfig.json: ES2022), not the target's default ES2022+DOM: the DOM declarations
  // are never part of its API and were a large share of what this program parsed.
  const program = ts.createProgram(
    entries.map((e) => path.join(root, e.file)),
    { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, strict: true, skipLibCheck: true, noEmit: true, types: [] },
  );
  const checker = program.getTypeChecker();
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const isOwn = (file: string) => !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes('/node_modules/');

  const constructs: ApiConstruct[] = [];
  const seen = new Set<ts.Symbol>();
  for (const entry of entries) {
    const source = program.getSourceFile(path.join(root, entry.file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.find(ts.isClassDeclaration);
      if (!declaration || seen.has(symbol) || !extendsConstruct(checker, declaration)) continue;
      seen.add(symbol);
      constructs.push(readConstruct(checker, symbol, declaration, entry, relative, isOwn));
    }
  }
  constructs.sort((a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name));
  return { constructs, missingEntryPoints };
}

function readConstruct(
  checker: ts.TypeChecker,
  symbol: ts.Symbol,
  declaration: ts.ClassDeclaration,
  entry: (typeof API_ENTRY_POINTS)[number],
  relative: (file: string) => string,
  isOwn: (file: string) => boolean,
): ApiConstruct {
  const sourceFile = declaration.getSourceFile();
  const heritage = declaration.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const ctor = declaration.members.find(ts.isConstructorDeclaration);
  const propsParam = ctor?.parameters[2] ?? ctor?.parameters.find((p) => p.name.getText() === 'props');
  let propsInterface: ApiConstruct['propsInterface'];
  if (propsParam) {
    const type = checker.getTypeAtLocation(propsParam);
    const propsSymbol = type.aliasSymbol ?? type.getSymbol();
    if (propsSymbol) {
      const named = !propsSymbol.getName().startsWith('__');
      propsInterface = {
        // An inline object type has no name of its own: `KubeSecretStore props`.
        name: named ? propsSymbol.getName() : `${symbol.getName()} props`,
        description: named ? docOf(checker, propsSymbol) : '',
        props: checker.getPropertiesOfType(type).map((p) => readProp(checker, p, relative, isOwn)),
      };
    }
  }
  const members: ApiMember[] = [];
  for (const member of declaration.members) {
    if (ts.isConstructorDeclaration(member) || !member.name) continue;
    const modifiers = ts.getCombinedModifierFlags(member as ts.Declaration);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || ts.isPrivateIdentifier(member.name)) continue;
    const memberSymbol = checker.getSymbolAtLocation(member.name);
    if (!memberSymbol) continue;
    if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
      const typeText = member.type ? oneLine(member.type.getText()) : checker.typeToString(checker.getTypeOfSymbolAtLocation(memberSymbol, member));
      members.push({ name: memberSymbol.getName(), kind: 'property', signature: typeText, description: docOf(checker, memberSymbol) });
    } else if (ts.isMethodDeclaration(member)) {
      const params = member.parameters.map((p) => oneLine(p.getText())).join(', ');
      const returns = member.type ? oneLine(member.type.getText()) : 'void';
      members.push({ name: memberSymbol.getName(), kind: 'method', signature: `(${params}): ${returns}`, description: docOf(checker, memberSymbol) });
    }
  }
  const ctorParams = ctor ? ctor.parameters.map((p) => oneLine(p.getText())).join(', ') : '';
  return {
    name: symbol.getName(),
    module: entry.module,
    importPath: entry.importPath,
    description: docOf(checker, symbol),
    file: relative(sourceFile.fileName),
    line: sourceFile.getLineAndCharacterOfPosition(declaration.getStart()).line + 1,
    extends: heritage ? heritage.expression.getText() : '',
    constructorSignature: `new ${symbol.getName()}(${ctorParams})`,
    propsInterface,
    members,
  };
}

function readProp(checker: ts.TypeChecker, prop: ts.Symbol, relative: (file: string) => string, isOwn: (file: string) => boolean): ApiProp {
  const declaration = prop.declarations?.[0];
  const sourceFile = declaration?.getSourceFile();
  const typeNode = declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration)) ? declaration.type : undefined;
  const type = typeNode ? oneLine(typeNode.getText()) : declaration ? checker.typeToString(checker.getTypeOfSymbolAtLocation(prop, declaration)) : 'unknown';
  const defaultTag = prop.getJsDocTags(checker).find((t) => t.name === 'default');
  const parent = declaration?.parent;
  const declaredIn = parent && (ts.isInterfaceDeclaration(parent) || ts.isClassDeclaration(parent)) && parent.name ? parent.name.text : '';
  return {
    name: prop.getName(),
    type,
    optional: (prop.flags & ts.SymbolFlags.Optional) !== 0,
    description: docOf(checker, prop),
    defaultValue: defaultTag ? ts.displayPartsToString(defaultTag.text).trim() : undefined,
    declaredIn,
    file: sourceFile && isOwn(sourceFile.fileName) ? relative(sourceFile.fileName) : undefined,
    line: sourceFile && declaration ? sourceFile.getLineAndCharacterOfPosition(declaration.getStart()).line + 1 : 0,
  };
}

/** True when the class derives, directly or not, from `Construct` of the `constructs` package. */
function extendsConstruct(checker: ts.TypeChecker, declaration: ts.ClassDeclaration): boolean {
  const classType = checker.getTypeAtLocation(declaration);
  const visit = (type: ts.Type, depth: number): boolean => {
    if (depth > 20) return false;
    const symbol = type.getSymbol();
    if (symbol?.getName() === 'Construct' && symbol.declarations?.some((d) => /[\\/]node_modules[\\/]constructs[\\/]/.test(d.getSourceFile().fileName))) {
      return true;
    }
    const bases = type.isClassOrInterface() ? checker.getBaseTypes(type) : [];
    return bases.some((b) => visit(b, depth + 1));
  };
  return visit(classType, 0);
}

function docOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** What `api-docs.test.ts` enforces: one line per gap, `<file>:<line> <Construct>.<prop>: <problem>`. */
export function findDocumentationGaps(model: ApiModel): string[] {
  const gaps: string[] = [];
  for (const c of model.constructs) {
    if (!c.description) gaps.push(`${c.file}:${c.line} ${c.name}: construct class has no TSDoc`);
    for (const prop of c.propsInterface?.props ?? []) {
      // Props inherited from a framework (cdk8s-plus, cdktf) are documented there.
      if (!prop.file) continue;
      const where = `${prop.file}:${prop.line} ${prop.declaredIn || c.propsInterface!.name}.${prop.name}`;
      if (!prop.description && !(prop.optional && prop.defaultValue)) gaps.push(`${where}: prop has no TSDoc`);
      if (prop.optional && prop.defaultValue === undefined) gaps.push(`${where}: optional prop has no @default`);
    }
  }
  return [...new Set(gaps)];
}
