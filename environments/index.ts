import { dev } from './dev';
import { prod } from './prod';
import { parseShared, sharedInput, type SharedConfig } from './shared';
import { EnvironmentValidationError, parseEnvironments, type EnvironmentConfig } from './schema';
import { staging } from './staging';

export * from './schema';
export * from './shared';
export { cidrSubnet, cidrsOverlap, formatCidr, parseCidr, type Ipv4Cidr } from '../constructs/core/cidr';

/** The raw, unvalidated inputs, for tools that derive environments (the benchmark) or test bad ones. */
export const environmentInputs = { dev, staging, prod };

/** Validates the environments and the shared settings, and reports the problems of both at once. */
function loadConfiguration(): { environments: Record<string, EnvironmentConfig>; shared: SharedConfig } {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof EnvironmentValidationError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const environments = attempt(() => parseEnvironments(environmentInputs));
  const shared = attempt(() => parseShared(sharedInput));
  if (!environments || !shared) throw new EnvironmentValidationError(problems);
  return { environments, shared };
}

/**
 * Every environment and the shared settings, validated together. Importing this module throws
 * `EnvironmentValidationError` listing every problem, so nothing downstream sees a bad config.
 */
export const { environments, shared } = loadConfiguration();
