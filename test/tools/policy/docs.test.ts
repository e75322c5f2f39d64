import * as fs from 'fs';
import * as path from 'path';
import { DOCS_TABLE_END, DOCS_TABLE_START, renderRulesTable, withRulesTable } from '../../../tools/policy/docs';
import { rules } from '../../../tools/policy';

const docsFile = path.resolve(__dirname, '..', '..', '..', 'docs', 'policy.md');
const docs = fs.readFileSync(docsFile, 'utf8');

describe('docs/policy.md', () => {
  it('holds the rule table generated from `rules` (run tools/policy/gen-docs.ts to update)', () => {
    expect(docs).toBe(withRulesTable(docs));
  });

  it('lists exactly the rule ids of `rules`, in order', () => {
    const table = docs.slice(docs.indexOf(DOCS_TABLE_START), docs.indexOf(DOCS_TABLE_END));
    const ids = [...table.matchAll(/^\| `([A-Z0-9-]+)` \|/gm)].map((match) => match[1]);
    expect(ids).toEqual(rules.map((rule) => rule.id));
  });

  it('documents both suppression helpers and the load balancer tag', () => {
    expect(docs).toContain('suppress(');
    expect(docs).toContain('suppressK8s(');
    expect(docs).toContain('policy.mlops-platform.dev/suppress');
    expect(docs).toContain("'platform:role': 'load-balancer'");
  });

  it('documents the second gate: the command, the pinned scanners and every suppression mechanism', () => {
    expect(docs).toContain('npm run scan');
    expect(docs).toContain('checkov 3.3.30');
    expect(docs).toContain('zizmor 1.33.1');
    expect(docs).toContain('uv 0.13.9');
    expect(docs).toContain('recordSuppression(');
    expect(docs).toContain('recordK8sSuppression(');
    expect(docs).toContain('# zizmor: ignore[');
  });

  it('names every rule id it mentions outside the table correctly', () => {
    const outside = docs.slice(0, docs.indexOf(DOCS_TABLE_START)) + docs.slice(docs.indexOf(DOCS_TABLE_END));
    const mentioned = new Set([...outside.matchAll(/`((?:AWS|K8S|POLICY)-[A-Z0-9]+(?:-\d{3})?)`/g)].map((match) => match[1]));
    for (const id of mentioned) expect(rules.map((rule) => rule.id)).toContain(id);
  });

  it('escapes table cells', () => {
    const table = renderRulesTable([{ ...rules[0], title: 'a | b' }]);
    expect(table).toContain('a \\| b');
  });
});
