/** Entry point of `npm run cost`; see command.ts. Loads no cdktf code, so it starts fast. */
import { runCost } from './command';

process.exitCode = runCost(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
