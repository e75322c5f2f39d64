/** Regenerates the rule table in docs/policy.md: `node tools/run-ts.js tools/policy/gen-docs.ts`. */
import * as path from 'path';
import { updateDocs } from './docs';

const file = path.resolve(__dirname, '..', '..', 'docs', 'policy.md');
console.log(updateDocs(file) ? `updated ${file}` : `${file} is up to date`);
