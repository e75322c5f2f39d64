/** Entry point of `npm run policy`; see command.ts. Imports no cdktf or cdk8s code, to start fast. */
import { runCli, unexpectedErrorMessage } from './command';

try {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  });
} catch (error) {
  // runCli reports its own errors; this only guards against one escaping (never print a stack trace).
  process.stderr.write(unexpectedErrorMessage(error));
  process.exitCode = 2;
}
