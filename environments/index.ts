import { dev } from './dev';
import { prod } from './prod';
import { parseShared, sharedInput } from './shared';
import { parseEnvironments } from './schema';
import { staging } from './staging';

export * from './schema';
export * from './shared';
export { cidrSubnet, cidrsOverlap, formatCidr, parseCidr, type Ipv4Cidr } from './cidr';

/** The raw, unvalidated inputs, for tools that derive environments (the benchmark) or test bad ones. */
export const environmentInputs = { dev, staging, prod };

/**
 * Every environment, validated together. Importing this module throws `EnvironmentValidationError`
 * listing every problem when any environment is invalid, so nothing downstream sees a bad config.
 */
export const environments = parseEnvironments(environmentInputs);

export const shared = parseShared(sharedInput);
