/** Entry point of `npm run policy`; see command.ts. Imports no cdktf or cdk8s code, to start fast. */
import { runCli } from './command';

process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
