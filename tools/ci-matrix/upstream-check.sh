#!/usr/bin/env bash
# Can $STACK be planned yet? Run by the plan jobs of ci.yml, deploy-stack.yml and drift.yml before `terraform plan`.
#
# A stack reads the state of the stacks it depends on (`terraform_remote_state` in its synthesized JSON), so in a
# new environment it cannot be planned before they were applied. Stacks that need the cluster's API at plan time
# (platform, workloads) also wait until the cluster is ACTIVE, and a stack with $PLANNED_AFTER (workloads) waits
# until that stack's state holds resources (the platform installs the CRDs the workloads' manifests use).
# Only a missing object (404) counts as absent; any other error (AccessDenied, throttling) fails the job rather
# than hiding a broken plan.
#
# Env: STACK, STATE_BUCKET, REGION, TARGET_PLAN_ROLE_ARN, NEEDS_CLUSTER, CLUSTER_STACK, CLUSTER_STATE_KEY,
#      PLANNED_AFTER, PLANNED_AFTER_STATE_KEY, GITHUB_OUTPUT. Writes skip=true and reason=... when not yet.
set -eo pipefail

state_exists() {
  local err
  if err="$(aws s3api head-object --bucket "$1" --key "$2" 2>&1 > /dev/null)"; then return 0; fi
  case "$err" in
    *"(404)"* | *NoSuchKey* | *"Not Found"*) return 1 ;;
  esac
  echo "::error title=Cannot read s3://$1/$2::$err"
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

upstream="$(jq -r '.data.terraform_remote_state // {} | [.[] | select(.backend == "s3") | "\(.config.bucket) \(.config.key)"] | unique | .[]' "cdktf.out/stacks/$STACK/cdk.tf.json")"
missing=()
if [ -n "$upstream" ]; then
  mapfile -t entries <<< "$upstream"
  for entry in "${entries[@]}"; do
    key="${entry#* }"
    if ! state_exists "${entry%% *}" "$key"; then missing+=("\`${key%/terraform.tfstate}\`"); fi
  done
fi
reason=""
if [ "${#missing[@]}" -gt 0 ]; then
  printf -v reason '%s, ' "${missing[@]}"
  reason="no state yet for ${reason%, }"
elif [ "$NEEDS_CLUSTER" = "true" ]; then
  if ! state_exists "$STATE_BUCKET" "$CLUSTER_STATE_KEY"; then
    reason="\`$CLUSTER_STACK\` has no state yet"
  else
    aws s3api get-object --bucket "$STATE_BUCKET" --key "$CLUSTER_STATE_KEY" "$work/cluster.tfstate" > /dev/null
    name="$(jq -r '[.resources[]? | select(.type == "aws_eks_cluster") | .instances[]?.attributes.name] | first // empty' "$work/cluster.tfstate")"
    if [ -z "$name" ]; then
      reason="\`$CLUSTER_STACK\` has not created its EKS cluster yet"
    else
      # The cluster lives in the environment's account: ask through its read-only planner role.
      aws configure set profile.target.role_arn "$TARGET_PLAN_ROLE_ARN"
      aws configure set profile.target.credential_source Environment
      if status="$(aws eks describe-cluster --profile target --region "$REGION" --name "$name" --query cluster.status --output text 2> "$work/errors")"; then
        if [ "$status" != "ACTIVE" ]; then reason="cluster \`$name\` is $status, not ACTIVE"; fi
      elif grep -q ResourceNotFoundException "$work/errors"; then
        reason="cluster \`$name\` does not exist"
      else
        echo "::error title=Cannot describe cluster $name::$(cat "$work/errors")"
        exit 1
      fi
    fi
  fi
fi
if [ -z "$reason" ] && [ -n "${PLANNED_AFTER:-}" ]; then
  if ! state_exists "$STATE_BUCKET" "$PLANNED_AFTER_STATE_KEY"; then
    reason="planned after \`$PLANNED_AFTER\` (it installs the CRDs this stack's manifests use), which has no state yet"
  else
    aws s3api get-object --bucket "$STATE_BUCKET" --key "$PLANNED_AFTER_STATE_KEY" "$work/after.tfstate" > /dev/null
    if [ "$(jq '[.resources[]? | select(.mode == "managed")] | length' "$work/after.tfstate")" = "0" ]; then
      reason="planned after \`$PLANNED_AFTER\` (it installs the CRDs this stack's manifests use), which has not been applied yet"
    fi
  fi
fi
if [ -n "$reason" ]; then
  echo "skip=true" >> "$GITHUB_OUTPUT"
  echo "reason=$reason" >> "$GITHUB_OUTPUT"
fi
