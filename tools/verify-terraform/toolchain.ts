/**
 * Where the Terraform binary and the providers come from, and how `init` finds the providers without a
 * registry: a filesystem mirror in the unpacked layout (`<host>/<namespace>/<type>/<version>/<os>_<arch>/
 * terraform-provider-<type>_v<version>`), named by a generated CLI configuration.
 * Layout and `provider_installation` syntax: Terraform CLI docs "Provider Installation" (v1.11) and
 * OpenTofu docs "Provider installation" (v1.12), which read the same layout.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OPENTOFU, PROVIDER_RECIPES, type ProviderRecipe } from './versions';
import { pinKey, VerifyError, type ProviderPin } from './stacks';

/** The registry host each CLI resolves a short source (`hashicorp/aws`) to. */
export const DEFAULT_HOST = { terraform: 'registry.terraform.io', tofu: 'registry.opentofu.org' } as const;
export type Flavour = keyof typeof DEFAULT_HOST;

export interface TerraformBinary {
  readonly path: string;
  readonly flavour: Flavour;
  /** Where it was found: `PATH`, `$VERIFY_TERRAFORM_BINARY`, or `cache` (a build from versions.ts). */
  readonly origin: string;
}

/** The cache root outside the repository: `$VERIFY_TERRAFORM_CACHE` or `~/.cache/mlops-platform/terraform`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.VERIFY_TERRAFORM_CACHE ?? path.join(env.HOME ?? os.homedir(), '.cache', 'mlops-platform', 'terraform');
}

export const mirrorDir = (cache: string): string => path.join(cache, 'mirror');
export const openTofuPath = (cache: string): string => path.join(cache, 'opentofu', OPENTOFU.version, 'tofu');

/** Go's name for the platform, as the mirror layout spells it (`linux_amd64`). */
export function platform(arch: string = process.arch, osName: string = process.platform): string {
  const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${osName}_${goArch[arch] ?? arch}`;
}

/** The executable's path in the mirror for one pin on one host. */
export function mirrorExecutable(mirror: string, host: string, pin: ProviderPin, plat: string = platform()): string {
  return path.join(mirror, host, pin.namespace, pin.type, pin.version, plat, `terraform-provider-${pin.type}_v${pin.version}`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable called `name` on `pathVar`. */
export function onPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const flavourOf = (file: string): Flavour => (path.basename(file).startsWith('tofu') ? 'tofu' : 'terraform');

/**
 * The binary to run, in order: `$VERIFY_TERRAFORM_BINARY`; `tofu` then `terraform` on PATH (GitHub runners
 * get one from setup-terraform or setup-opentofu); the OpenTofu built into the cache. Undefined: build one.
 */
export function findBinary(env: NodeJS.ProcessEnv, cache: string): TerraformBinary | undefined {
  const explicit = env.VERIFY_TERRAFORM_BINARY;
  if (explicit) {
    if (!isExecutable(explicit)) throw new VerifyError(`VERIFY_TERRAFORM_BINARY=${explicit} is not an executable file`);
    return { path: explicit, flavour: flavourOf(explicit), origin: '$VERIFY_TERRAFORM_BINARY' };
  }
  for (const name of ['tofu', 'terraform'] as const) {
    const found = onPath(name, env.PATH);
    if (found) return { path: found, flavour: name, origin: 'PATH' };
  }
  const built = openTofuPath(cache);
  return isExecutable(built) ? { path: built, flavour: 'tofu', origin: 'cache' } : undefined;
}

/** Both hosts, so one mirror serves `terraform` (registry.terraform.io) and `tofu` (registry.opentofu.org). */
export const MIRROR_HOSTS = [DEFAULT_HOST.terraform, DEFAULT_HOST.tofu] as const;

/** Whether the mirror already holds `pin` for the binary's default host. */
export function inMirror(mirror: string, pin: ProviderPin, flavour: Flavour, plat: string = platform()): boolean {
  return isExecutable(mirrorExecutable(mirror, DEFAULT_HOST[flavour], pin, plat));
}

/**
 * Mirrors and caches that may already hold a release, in the unpacked layout: `$VERIFY_TERRAFORM_MIRRORS`
 * (a PATH-style list), `$TF_PLUGIN_CACHE_DIR`, and the implied local mirrors Terraform itself searches on
 * Linux (CLI docs "Provider Installation": ~/.terraform.d/plugins, $XDG_DATA_HOME/terraform/plugins,
 * /usr/local/share/terraform/plugins, /usr/share/terraform/plugins).
 */
export function otherMirrors(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? os.homedir();
  const dataHome = env.XDG_DATA_HOME ?? path.join(home, '.local', 'share');
  return [
    ...(env.VERIFY_TERRAFORM_MIRRORS ?? '').split(path.delimiter),
    env.TF_PLUGIN_CACHE_DIR ?? '',
    path.join(home, '.terraform.d', 'plugins'),
    path.join(dataHome, 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ].filter((dir) => dir !== '');
}

/** The executable of `pin` in one of `mirrors` (either host directory, a file named terraform-provider-<type>*). */
export function findInMirrors(mirrors: readonly string[], pin: ProviderPin, plat: string = platform()): string | undefined {
  for (const mirror of mirrors) {
    for (const host of MIRROR_HOSTS) {
      const dir = path.dirname(mirrorExecutable(mirror, host, pin, plat));
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const name = names.find((n) => n.startsWith(`terraform-provider-${pin.type}`) && isExecutable(path.join(dir, n)));
      if (name) return path.join(dir, name);
    }
  }
  return undefined;
}

/**
 * Publishes an executable under every mirror host: a hard link where the file system allows (one copy on
 * disk, read as a plain file), else a symlink.
 */
export function publishToMirror(mirror: string, pin: ProviderPin, built: string, plat: string = platform()): string[] {
  return MIRROR_HOSTS.map((host) => {
    const target = mirrorExecutable(mirror, host, pin, plat);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (path.resolve(target) !== path.resolve(built)) {
      fs.rmSync(target, { force: true });
      try {
        fs.linkSync(built, target);
      } catch {
        // Another file system: a symlink (Terraform follows it), never a copy of a file this large.
        fs.symlinkSync(path.resolve(built), target);
      }
    }
    return target;
  });
}

/** A CLI configuration that installs providers only from `mirror` (no registry is contacted). */
export function mirrorCliConfig(mirror: string): string {
  return [
    '# Written by npm run verify:terraform: providers come only from this filesystem mirror.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${MIRROR_HOSTS.map((host) => JSON.stringify(`${host}/*/*`)).join(', ')}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * The plugin cache lines of the CLI configuration: the working directories then link one copy of each
 * provider instead of copying it (the aws provider is hundreds of MB), and with `--providers registry`
 * each provider is downloaded once. `plugin_cache_may_break_dependency_lock_file` lets a directory without
 * a lock file use the cache (Terraform >= 1.4 otherwise installs from the origin again).
 */
export function pluginCacheCliConfig(pluginCache: string): string {
  return [`plugin_cache_dir = ${JSON.stringify(pluginCache)}`, 'plugin_cache_may_break_dependency_lock_file = true', ''].join('\n');
}

/** A command that builds something, for running and for the README/blocked messages. */
export interface BuildStep {
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** `go mod download -json <module>@<version>`: its JSON names the unpacked module directory (`Dir`). */
export function goModDownload(module: string, version: string): BuildStep {
  return { what: `download ${module}@${version}`, command: 'go', args: ['mod', 'download', '-json', `${module}@${version}`] };
}

/** `go build` of a package inside a downloaded module (as its main module, so its replace directives hold). */
export function goBuild(moduleDir: string, pkg: string, ldflags: string, output: string): BuildStep {
  return {
    what: `build ${pkg} in ${moduleDir}`,
    command: 'go',
    args: ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', output, pkg],
    cwd: moduleDir,
    env: { CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  };
}

export const recipeFor = (pin: ProviderPin): ProviderRecipe | undefined => PROVIDER_RECIPES[pinKey(pin)];

export function providerLdflags(pin: ProviderPin, recipe: ProviderRecipe): string {
  return recipe.versionVariable ? `-s -w -X ${recipe.versionVariable}=${pin.version}` : '-s -w';
}

/** The Dir field of `go mod download -json`, or an error naming the module. */
export function parseModDownload(stdout: string, module: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new VerifyError(`go mod download ${module}: output is not JSON: ${stdout.slice(0, 200)}`);
  }
  const record = parsed as { Dir?: unknown; Error?: unknown };
  if (typeof record.Error === 'string') throw new VerifyError(`go mod download ${module}: ${record.Error}`);
  if (typeof record.Dir !== 'string') throw new VerifyError(`go mod download ${module}: no Dir in its output`);
  return record.Dir;
}
