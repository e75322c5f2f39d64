/**
 * `npm run synth` over N generated environments, for the benchmark's scaling cases: the same code path
 * as main.ts (tools/synth/run.ts: stacks, manifests, policy check), writing `cdktf.out` and `dist/k8s`
 * under the working directory.
 *   node tools/run-ts.js tools/bench/synth-generated.ts <N>
 */
import * as path from 'path';
import { shared } from '../../environments';
import { runSynth } from '../synth/run';
import { generateEnvironments } from './generate';

const count = Number(process.argv[2]);
process.exitCode = runSynth(shared, generateEnvironments(count), { stacks: 'cdktf.out', manifests: path.join('dist', 'k8s') });
