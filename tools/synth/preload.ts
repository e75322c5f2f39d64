/**
 * Imported first by tools/synth/run.ts, before anything loads cdktf: cdktf keeps the functions it requires,
 * so what replaces them has to be in place by then. `stringifyInstall` says what happened (tests read it).
 */
import { installStableStringify } from './stable-stringify';

export const stringifyInstall = installStableStringify();
