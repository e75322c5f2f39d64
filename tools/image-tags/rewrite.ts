/**
 * Reads and rewrites `<key>.imageTag` (`workloads.modelServing`, `platform.airflow`) in an environment file (`environments/<env>.ts`) through the
 * TypeScript parser, replacing only the string literal's characters: comments, formatting and every other
 * value stay byte for byte, and a file whose shape is not the expected one is refused, never guessed at.
 */
import * as ts from 'typescript';
import type { EnvironmentWorkloadKey } from './images';
import { ImageTagError } from './images';

interface Found {
  readonly literal: ts.StringLiteral;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment[] {
  return object.properties.filter(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name,
  );
}

/** The object literal of the environment (the initializer of the file's one exported `const`). */
function environmentObject(source: ts.SourceFile, file: string): ts.ObjectLiteralExpression {
  const objects: ts.ObjectLiteralExpression[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      let init = declaration.initializer;
      while (init && (ts.isSatisfiesExpression(init) || ts.isAsExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) objects.push(init);
    }
  }
  if (objects.length !== 1) throw new ImageTagError(`${file}: expected one exported environment object, found ${objects.length}`);
  return objects[0];
}

function findTag(source: ts.SourceFile, file: string, key: EnvironmentWorkloadKey): Found {
  const where = `${file}: ${key}.imageTag`;
  const path: string[] = [...key.split('.'), 'imageTag'];
  let object = environmentObject(source, file);
  for (const [i, name] of path.entries()) {
    const matches = property(object, name);
    if (matches.length !== 1) throw new ImageTagError(`${where}: ${matches.length === 0 ? 'not found' : 'defined more than once'} (at "${name}")`);
    const value = matches[0].initializer;
    if (i === path.length - 1) {
      if (!ts.isStringLiteral(value) && !ts.isNoSubstitutionTemplateLiteral(value)) throw new ImageTagError(`${where}: must be a string literal to be rewritten`);
      return { literal: value as ts.StringLiteral };
    }
    if (!ts.isObjectLiteralExpression(value)) throw new ImageTagError(`${where}: "${name}" is not an object literal`);
    object = value;
  }
  throw new ImageTagError(`${where}: not found`);
}

function parse(text: string, file: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** The tag an environment file names for `key`. */
export function readImageTag(text: string, file: string, key: EnvironmentWorkloadKey): string {
  return findTag(parse(text, file), file, key).literal.text;
}

/** `text` with `<key>.imageTag` set to `tag` (quoted as the file quotes it). */
export function setImageTag(text: string, file: string, key: EnvironmentWorkloadKey, tag: string): string {
  const source = parse(text, file);
  const { literal } = findTag(source, file, key);
  const start = literal.getStart(source);
  const quote = text[start];
  return `${text.slice(0, start)}${quote}${tag}${quote}${text.slice(literal.getEnd())}`;
}
