import * as fs from 'fs';
import * as path from 'path';
import {
  DEFAULT_HOST,
  findBinary,
  findInMirrors,
  goBuild,
  goModDownload,
  inMirror,
  mirrorCliConfig,
  mirrorExecutable,
  openTofuPath,
  parseModDownload,
  platform,
  pluginCacheCliConfig,
  providerLdflags,
  publishToMirror,
  recipeFor,
} from '../../../tools/verify-terraform/toolchain';
import { VerifyError } from '../../../tools/verify-terraform/stacks';
import { tempDir } from './helpers';

const aws = { namespace: 'hashicorp', type: 'aws', version: '6.25.0' };
const random = { namespace: 'hashicorp', type: 'random', version: '3.7.2' };

function executable(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

describe('mirror layout', () => {
  it('is <host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>', () => {
    expect(mirrorExecutable('/m', DEFAULT_HOST.terraform, aws, 'linux_amd64')).toBe('/m/registry.terraform.io/hashicorp/aws/6.25.0/linux_amd64/terraform-provider-aws_v6.25.0');
    expect(platform('x64', 'linux')).toBe('linux_amd64');
    expect(platform('arm64', 'darwin')).toBe('darwin_arm64');
  });

  it('publishes one build under both registry hosts, so terraform and tofu both find it', () => {
    const mirror = tempDir();
    const built = executable(mirrorExecutable(mirror, DEFAULT_HOST.terraform, random, 'linux_amd64'));
    expect(inMirror(mirror, random, 'tofu', 'linux_amd64')).toBe(false);
    const published = publishToMirror(mirror, random, built, 'linux_amd64');
    expect(published).toEqual([built, mirrorExecutable(mirror, DEFAULT_HOST.tofu, random, 'linux_amd64')]);
    expect(inMirror(mirror, random, 'tofu', 'linux_amd64')).toBe(true);
    expect(inMirror(mirror, random, 'terraform', 'linux_amd64')).toBe(true);
    // A hard link: one copy on disk.
    expect(fs.statSync(published[1]).ino).toBe(fs.statSync(built).ino);
  });

  it('finds a release in another mirror by its directory, whatever the file suffix (_x5 in releases)', () => {
    const other = tempDir();
    const file = executable(path.join(other, 'registry.terraform.io/hashicorp/aws/6.25.0', platform(), 'terraform-provider-aws_v6.25.0_x5'));
    expect(findInMirrors([tempDir(), other], aws)).toBe(file);
    expect(findInMirrors([other], { ...aws, version: '6.24.0' })).toBeUndefined();
  });
});

describe('CLI configuration', () => {
  it('installs only from the mirror, for both hosts, with no direct block', () => {
    const text = mirrorCliConfig('/cache/mirror');
    expect(text).toContain('filesystem_mirror {\n    path    = "/cache/mirror"\n    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]\n  }');
    expect(text).not.toContain('direct');
  });

  it('shares a plugin cache and lets directories without a lock file use it', () => {
    expect(pluginCacheCliConfig('/c/p')).toBe('plugin_cache_dir = "/c/p"\nplugin_cache_may_break_dependency_lock_file = true\n');
  });
});

describe('findBinary', () => {
  it('prefers $VERIFY_TERRAFORM_BINARY, then tofu, then terraform on PATH, then the cached OpenTofu build', () => {
    const cache = tempDir();
    const bin = tempDir();
    expect(findBinary({ PATH: bin }, cache)).toBeUndefined();
    const built = executable(openTofuPath(cache));
    expect(findBinary({ PATH: bin }, cache)).toEqual({ path: built, flavour: 'tofu', origin: 'cache' });
    const terraform = executable(path.join(bin, 'terraform'));
    expect(findBinary({ PATH: bin }, cache)).toEqual({ path: terraform, flavour: 'terraform', origin: 'PATH' });
    const tofu = executable(path.join(bin, 'tofu'));
    expect(findBinary({ PATH: `/nonexistent:${bin}` }, cache)).toEqual({ path: tofu, flavour: 'tofu', origin: 'PATH' });
    expect(findBinary({ PATH: bin, VERIFY_TERRAFORM_BINARY: terraform }, cache)?.origin).toBe('$VERIFY_TERRAFORM_BINARY');
  });

  it('rejects a VERIFY_TERRAFORM_BINARY that is not an executable', () => {
    expect(() => findBinary({ VERIFY_TERRAFORM_BINARY: '/nonexistent/tofu' }, tempDir())).toThrow(new VerifyError('VERIFY_TERRAFORM_BINARY=/nonexistent/tofu is not an executable file'));
  });
});

describe('builds', () => {
  it('builds a provider from its release commit inside the downloaded module, as its main module', () => {
    const recipe = recipeFor(random)!;
    expect(recipe.pseudoVersion).toMatch(new RegExp(`-${recipe.commit.slice(0, 12)}$`));
    expect(goModDownload(recipe.module, recipe.pseudoVersion).args).toEqual(['mod', 'download', '-json', 'github.com/terraform-providers/terraform-provider-random@v1.3.2-0.20250422105519-bc2ddb552b46']);
    const step = goBuild('/mod/dir', '.', providerLdflags(random, recipe), '/out/p');
    expect(step).toMatchObject({ command: 'go', args: ['build', '-trimpath', '-ldflags=-s -w', '-o', '/out/p', '.'], cwd: '/mod/dir', env: { CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' } });
    const helm = { namespace: 'hashicorp', type: 'helm', version: '3.1.1' };
    expect(providerLdflags(helm, recipeFor(helm)!)).toBe('-s -w -X main.Version=3.1.1');
    expect(recipeFor(aws)).toBeUndefined();
  });

  it('reads the module directory from go mod download -json, and its refusal', () => {
    // Shapes as go 1.26 prints them (the refusal is the proxy's answer here for the helm release).
    expect(parseModDownload('{\n\t"Path": "github.com/opentofu/opentofu",\n\t"Version": "v1.12.6",\n\t"Dir": "/root/go/pkg/mod/github.com/opentofu/opentofu@v1.12.6"\n}', 'm')).toBe('/root/go/pkg/mod/github.com/opentofu/opentofu@v1.12.6');
    const refused =
      '{\n\t"Path": "github.com/hashicorp/terraform-provider-helm",\n\t"Version": "v1.3.3-0.20251117192655-1cbf08f6a306",\n\t"Error": "github.com/hashicorp/terraform-provider-helm@v1.3.3-0.20251117192655-1cbf08f6a306: reading https://proxy.golang.org/github.com/hashicorp/terraform-provider-helm/@v/v1.3.3-0.20251117192655-1cbf08f6a306.info: 403 Forbidden\\n\\tserver response: This module version is not available."\n}';
    expect(() => parseModDownload(refused, 'helm')).toThrow(/^go mod download helm: .*403 Forbidden/);
  });
});
