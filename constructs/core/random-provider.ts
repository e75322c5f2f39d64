/** The `random` provider (hashicorp/random), declared by the constructs that use it. */
export const RANDOM_PROVIDER = { source: 'hashicorp/random', version: '3.7.2' } as const;
