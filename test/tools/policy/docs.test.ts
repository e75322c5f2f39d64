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

  it('escapes table cells', () => {
    const table = renderRulesTable([{ ...rules[0], title: 'a | b' }]);
    expect(table).toContain('a \\| b');
  });
});
