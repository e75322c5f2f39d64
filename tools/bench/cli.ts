/** Entry point of `npm run bench`; see command.ts. The real environment count is read, not assumed. */
import { environmentInputs } from '../../environments';
import { runBench } from './command';

process.exitCode = runBench(
  process.argv.slice(2),
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  Object.keys(environmentInputs).length,
);
