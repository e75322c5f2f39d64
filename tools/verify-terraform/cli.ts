/** Entry point of `npm run verify:terraform`; see command.ts. Loads no cdktf code, so it starts fast. */
import { runVerify } from './command';

void runVerify(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
