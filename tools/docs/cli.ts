/**
 * `npm run docs`: writes `docs/api/*.md` from the TSDoc of every exported construct and its props.
 * Stale pages (a construct that was removed) are deleted; gaps in the TSDoc are printed as warnings
 * (`test/library/api-docs.test.ts` is where they fail).
 */
import * as fs from 'fs';
import * as path from 'path';
import { findDocumentationGaps, readApiModel } from './api-model';
import { renderApiDocs } from './markdown';

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'docs', 'api');

const model = readApiModel(root);
const files = renderApiDocs(model);
fs.mkdirSync(outDir, { recursive: true });
for (const existing of fs.readdirSync(outDir)) {
  if (existing.endsWith('.md') && !files.has(existing)) fs.rmSync(path.join(outDir, existing));
}
for (const [name, content] of files) fs.writeFileSync(path.join(outDir, name), content);

for (const missing of model.missingEntryPoints) console.warn(`docs: ${missing} does not exist yet; skipped`);
const gaps = findDocumentationGaps(model);
for (const gap of gaps) console.warn(`docs: ${gap}`);
console.log(`docs: wrote ${files.size} files to ${path.relative(process.cwd(), outDir) || '.'} (${model.constructs.length} constructs${gaps.length ? `, ${gaps.length} documentation gaps` : ''})`);
