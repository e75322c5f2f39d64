/**
 * The toolchain `npm run verify:terraform` uses when no `tofu`/`terraform` is on PATH and no mirror holds a
 * provider: what to build, from which Go module at which commit. Everything is built into a cache outside the
 * repository (see toolchain.ts); nothing here is vendored.
 */

/** OpenTofu, built from its own Go module (`go mod download` then `go build ./cmd/tofu` inside it: its go.mod
 *  has a replace directive, so `go install module@version` refuses it). v1.12.6 is the newest release the Go
 *  module proxy listed on 2026-12-04 (`go list -m -versions github.com/opentofu/opentofu`). */
export const OPENTOFU = {
  module: 'github.com/opentofu/opentofu',
  version: 'v1.12.6',
  package: './cmd/tofu',
  // version.dev=no drops the "-dev" suffix a source build otherwise reports (opentofu v1.12.6 version/version.go).
  ldflags: '-s -w -X github.com/opentofu/opentofu/version.dev=no',
} as const;

/** How to build one provider release from its Go module. */
export interface ProviderRecipe {
  /** Go module path as the release's go.mod declares it (random still says terraform-providers/...). */
  readonly module: string;
  /**
   * Canonical pseudo-version of the release tag's commit. The providers' v2+ tags have no /vN module suffix,
   * so the Go module proxy only serves them as pseudo-versions: vX.Y.(Z+1)-0.<commit time UTC>-<12 hex>,
   * X.Y.Z being the newest v0/v1 tag before that commit.
   */
  readonly pseudoVersion: string;
  /** The release tag and its full commit, checked in a clone of the provider's repository. */
  readonly tag: string;
  readonly commit: string;
  /** `-X` target that makes the binary report its release (absent where main.go has no such variable). */
  readonly versionVariable?: string;
}

/**
 * Release commits of the provider versions the stacks pin, read from the tags of each provider's repository
 * (`git rev-parse <tag>^{commit}`, commit time in UTC) on 2026-12-04. Keyed by `namespace/type@version`.
 * On 2026-12-04 the Go module proxy here served random's and refused kubernetes' and helm's (403 "This module
 * version is not available"); the tool tries each and reports a refusal as blocked with the command and error.
 * hashicorp/aws has no recipe: the proxy refused every version of its module, even pseudo-versions it holds
 * elsewhere, and its repository is too large to clone here, so the 6.25.0 tag's commit could not be read.
 * A provider without a working recipe must come from a mirror, a plugin cache, or the registry
 * (`--providers registry`, what the GitHub workflow uses).
 */
export const PROVIDER_RECIPES: Readonly<Record<string, ProviderRecipe>> = {
  'hashicorp/random@3.7.2': {
    module: 'github.com/terraform-providers/terraform-provider-random',
    pseudoVersion: 'v1.3.2-0.20250422105519-bc2ddb552b46',
    tag: 'v3.7.2',
    commit: 'bc2ddb552b4676d16997987a9bf2875c7b98d342',
  },
  'hashicorp/kubernetes@2.38.0': {
    module: 'github.com/hashicorp/terraform-provider-kubernetes',
    pseudoVersion: 'v1.13.4-0.20250721172020-be88f4427105',
    tag: 'v2.38.0',
    commit: 'be88f44271050f69d52f410bca388834afedfe71',
    versionVariable: 'main.Version',
  },
  'hashicorp/helm@3.1.1': {
    module: 'github.com/hashicorp/terraform-provider-helm',
    pseudoVersion: 'v1.3.3-0.20251117192655-1cbf08f6a306',
    tag: 'v3.1.1',
    commit: '1cbf08f6a306ab3cdff6079b87a61c7641b64f3b',
    versionVariable: 'main.Version',
  },
};

/** Why a pinned provider has no recipe, for the BLOCKED line (the attempts are in the README). */
export const PROVIDER_UNAVAILABLE: Readonly<Record<string, string>> = {
  'hashicorp/aws@6.25.0':
    'the Go module proxy here refuses every version of github.com/hashicorp/terraform-provider-aws (403 "This module version is not available"), and its repository is too large to read the v6.25.0 commit from',
};

/** The uv that syncs the emulator's locked environment (tools/verify-terraform/emulator/uv.lock). */
export const UV_VERSION = '0.13.9';
