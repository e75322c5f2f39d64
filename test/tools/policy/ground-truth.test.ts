/**
 * The rules measured against the field's own fixtures (ground-truth.ts): every known-bad case is
 * flagged by its rule at its address, and no known-good case is.
 */
import { checkKubernetes, checkTerraform, type Finding } from '../../../tools/policy';
import { groundTruth, type GroundTruthCase } from './ground-truth';

function flagged(item: GroundTruthCase): boolean {
  const findings: Finding[] = item.terraform ? checkTerraform(item.terraform, 'upstream.tf.json') : checkKubernetes([item.kubernetes], 'upstream.yaml');
  return findings.some((finding) => finding.ruleId === item.rule && finding.address === item.address);
}

describe('ground truth from checkov, badPods and kube-linter', () => {
  it.each(groundTruth.map((item) => [`${item.expect} ${item.rule} ${item.address} (${item.source})`, item] as const))('%s', (_, item) => {
    expect(flagged(item)).toBe(item.expect === 'bad');
  });

  it('covers known-bad and known-good cases of Terraform and Kubernetes', () => {
    const count = (expect: string, terraform: boolean): number => groundTruth.filter((item) => item.expect === expect && Boolean(item.terraform) === terraform).length;
    expect([count('bad', true), count('good', true), count('bad', false), count('good', false)].every((n) => n >= 8)).toBe(true);
  });
});
