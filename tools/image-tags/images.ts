/**
 * The workload images: which folder of `workloads/` builds which ECR repository, where `environments/*.ts`
 * name its tag, and the tag scheme `build-image.yml` pushes (`<version>-<sha12>`, see workloads/images.json).
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import images from '../../workloads/images.json';
import { WORKLOAD_IMAGE_TAG_PATTERN } from '../../environments/schema';

export const REPOSITORY_ROOT = path.join(__dirname, '..', '..');

/** Paths in an environment of the objects whose `imageTag` names an image. */
export type EnvironmentWorkloadKey = 'workloads.modelServing' | 'workloads.mlflow' | 'workloads.dataValidation' | 'platform.airflow';

/** The object `key` names in an environment input (`env.workloads.modelServing`, `env.platform.airflow`). */
export function environmentImageHolder(env: unknown, key: EnvironmentWorkloadKey): { imageTag?: string } | undefined {
  return key.split('.').reduce<unknown>((object, name) => (object as Record<string, unknown> | undefined)?.[name], env) as { imageTag?: string } | undefined;
}

export interface WorkloadImage {
  /** Folder under `workloads/`. */
  readonly workload: string;
  /** ECR repository in the shared account (`shared.registry.repositories`). */
  readonly repository: string;
  /** Where environments name the tag; absent for images no environment deploys directly. */
  readonly environmentKey?: EnvironmentWorkloadKey;
  /** Docker build context, relative to the repository root (what the Dockerfile's COPY lines assume). */
  readonly context: string;
  /** Every path the image is built from: its folder, the shared inputs and what its Dockerfile copies besides. */
  readonly inputs: readonly string[];
}

export const SHARED_INPUTS: readonly string[] = images.sharedInputs;

export const WORKLOAD_IMAGES: readonly WorkloadImage[] = Object.entries(images.images).map(([workload, spec]) => ({
  workload,
  repository: spec.repository,
  environmentKey: (spec as { environmentKey?: EnvironmentWorkloadKey }).environmentKey,
  context: (spec as { context?: string }).context ?? 'workloads',
  inputs: [`workloads/${workload}`, ...images.sharedInputs, ...((spec as { inputs?: string[] }).inputs ?? [])],
}));

export class ImageTagError extends Error {}

export function workloadImage(workload: string): WorkloadImage {
  const image = WORKLOAD_IMAGES.find((i) => i.workload === workload);
  if (!image) throw new ImageTagError(`unknown workload "${workload}"; expected one of ${WORKLOAD_IMAGES.map((i) => i.workload).join(', ')}`);
  return image;
}

/** The `version` of a workload's pyproject.toml `[project]` table. */
export function projectVersion(pyproject: string, file = 'pyproject.toml'): string {
  const project = /^\[project\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject)?.[1] ?? '';
  const version = /^version\s*=\s*"([^"]+)"\s*$/m.exec(project)?.[1];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new ImageTagError(`${file}: [project] version (${version ?? 'missing'}) must be MAJOR.MINOR.PATCH`);
  }
  return version;
}

/** `<version>-<sha12>`, checked against the scheme environments accept. */
export function imageTag(version: string, commit: string): string {
  const tag = `${version}-${commit.slice(0, 12)}`;
  if (!/^[0-9a-f]{12,40}$/.test(commit) || !WORKLOAD_IMAGE_TAG_PATTERN.test(tag)) {
    throw new ImageTagError(`("${tag}") is not <MAJOR.MINOR.PATCH>-<12 hex digits> (version "${version}", commit "${commit}")`);
  }
  return tag;
}

/**
 * The tag `build-image.yml` gives a workload's image at `ref`: its version there and the last commit up to
 * `ref` that changed its folder or a shared input, so rebuilding unchanged sources gives the same tag.
 */
export function expectedTag(workload: string, ref = 'HEAD', root = REPOSITORY_ROOT): string {
  const image = workloadImage(workload);
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  const commit = git('log', '-1', '--format=%H', ref, '--', ...image.inputs);
  if (!commit) throw new ImageTagError(`workloads/${workload}: no commit up to ${ref} touches it`);
  const pyproject = git('show', `${ref}:workloads/${workload}/pyproject.toml`);
  return imageTag(projectVersion(pyproject, `workloads/${workload}/pyproject.toml`), commit);
}

/** Reads a file of the repository (kept here so the CLI and tests share one root). */
export function readRepositoryFile(relative: string, root = REPOSITORY_ROOT): string {
  return readFileSync(path.join(root, relative), 'utf8');
}
