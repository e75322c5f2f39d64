/**
 * EKS managed add-on versions known to be published for each Kubernetes version. Versions are pinned
 * (reviewed in a pull request, the same on every plan) rather than looked up with
 * `data "aws_eks_addon_version"`, whose `most_recent` and default answers move without a code change
 * and would upgrade add-ons on an unrelated apply. An add-on version EKS does not publish for the
 * cluster's version fails the apply (`InvalidParameterException: Addon version specified is not
 * supported`), so validation refuses any version not listed here for the configured cluster version.
 *
 * Sources (checked 2026-12-04):
 * - AWS docs, "Manage CoreDNS" and "Manage kube-proxy" version tables (docs.aws.amazon.com/eks/latest/userguide,
 *   managing-coredns.md and managing-kube-proxy.md, the edition that lists 1.36; and the earlier
 *   docs.amazonaws.cn edition listing 1.35): CoreDNS v1.14.3-eksbuild.3 for 1.35 and 1.36, v1.13.2-eksbuild.4
 *   and v1.13.2-eksbuild.11 for 1.34/1.35; kube-proxy v1.35.3-eksbuild.13, v1.36.0-eksbuild.14, v1.34.6-eksbuild.13.
 *   CoreDNS v1.12.4-eksbuild.1 appears only for 1.33 and 1.34.
 * - awslabs/cdk-eks-blueprints at 05d3dbd0 (2026-07-01), lib/addons/{vpc-cni,coredns,kube-proxy,ebs-csi-driver}/index.ts,
 *   whose 1.35 entries were taken from `aws eks describe-addon-versions --kubernetes-version 1.35` (PR #1246):
 *   vpc-cni v1.21.1-eksbuild.1, aws-ebs-csi-driver v1.57.1-eksbuild.1, coredns v1.13.2-eksbuild.3,
 *   kube-proxy v1.35.0-eksbuild.2; for 1.34 vpc-cni v1.20.4-eksbuild.2, ebs-csi v1.56.0-eksbuild.1.
 *   The AWS docs have no per-version table for vpc-cni and aws-ebs-csi-driver.
 *
 * To add a version: `aws eks describe-addon-versions --addon-name <name> --kubernetes-version <v>
 * --query 'addons[0].addonVersions[].addonVersion'`, then list it here with its source.
 */

/** The add-ons the cluster installs, by the key the configuration uses. */
export const EKS_ADDON_NAMES = {
  vpcCni: 'vpc-cni',
  coreDns: 'coredns',
  kubeProxy: 'kube-proxy',
  ebsCsiDriver: 'aws-ebs-csi-driver',
} as const;
export type EksAddonKey = keyof typeof EKS_ADDON_NAMES;

export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonKey, readonly string[]>>>> = {
  '1.34': {
    vpcCni: ['v1.20.4-eksbuild.2'],
    coreDns: ['v1.12.3-eksbuild.1', 'v1.12.4-eksbuild.1', 'v1.13.2-eksbuild.4', 'v1.13.2-eksbuild.11'],
    kubeProxy: ['v1.34.0-eksbuild.2', 'v1.34.1-eksbuild.2', 'v1.34.6-eksbuild.13'],
    ebsCsiDriver: ['v1.56.0-eksbuild.1'],
  },
  '1.35': {
    vpcCni: ['v1.21.1-eksbuild.1'],
    coreDns: ['v1.13.2-eksbuild.3', 'v1.13.2-eksbuild.4', 'v1.14.3-eksbuild.3'],
    kubeProxy: ['v1.35.0-eksbuild.2', 'v1.35.3-eksbuild.2', 'v1.35.3-eksbuild.13'],
    ebsCsiDriver: ['v1.57.1-eksbuild.1'],
  },
  // No verified vpc-cni or aws-ebs-csi-driver version for 1.36 yet: validation says so instead of guessing.
  '1.36': {
    vpcCni: [],
    coreDns: ['v1.14.3-eksbuild.3'],
    kubeProxy: ['v1.36.0-eksbuild.14'],
    ebsCsiDriver: [],
  },
};

/** One problem per add-on whose version is not known to be published for `kubernetesVersion`. */
export function addonVersionProblems(kubernetesVersion: string, addons: Partial<Record<EksAddonKey, unknown>>): { key: EksAddonKey; message: string }[] {
  const known = EKS_ADDON_VERSIONS[kubernetesVersion];
  return (Object.keys(EKS_ADDON_NAMES) as EksAddonKey[]).flatMap((key) => {
    const version = addons[key];
    if (typeof version !== 'string') return [];
    const published = known?.[key] ?? [];
    if (published.includes(version)) return [];
    const name = EKS_ADDON_NAMES[key];
    const reason =
      published.length > 0
        ? `is not a version of ${name} that EKS publishes for Kubernetes ${kubernetesVersion} (verified: ${published.join(', ')})`
        : `cannot be checked: no ${name} version for Kubernetes ${kubernetesVersion} is verified yet`;
    return [{ key, message: `("${version}") ${reason}; see EKS_ADDON_VERSIONS in constructs/cluster/addon-versions.ts` }];
  });
}
