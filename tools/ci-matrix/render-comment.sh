#!/usr/bin/env bash
# The sticky pull-request comment of ci.yml, on standard output. Run by its `report` job, also after failed
# checks or plans, so the comment always describes this run and never leaves an older plan up.
#
# Reads: checks/ (the checks job's artifact: failed, <check>.log, changes.json, base-cost.json),
# artifacts/plans/ (plan-* artifacts: <stack>.json redacted, .skipped, .failed), cdktf.out and dist/k8s (cost).
# Env: COMMENT_MARKER, CAN_PLAN, CHECKS_RESULT, PLAN_RESULT.
set -eo pipefail
shopt -s nullglob

echo "$COMMENT_MARKER"
if [ "$CAN_PLAN" != "true" ]; then
  echo "> [!NOTE]"
  echo "> This pull request comes from a fork, so it ran without AWS credentials: lint, typecheck, tests, synth,"
  echo "> policy and the cost estimate ran, but **no Terraform plan was made**. A maintainer can push the branch"
  echo "> to this repository to get one."
  echo
fi

failed=()
if [ -f checks/failed ]; then mapfile -t failed < <(grep -v '^$' checks/failed || true); fi
if [ "$CHECKS_RESULT" != "success" ]; then
  echo "## Checks failed"
  echo
  echo "> [!CAUTION]"
  if [ "${#failed[@]}" -gt 0 ]; then
    printf -v list '`%s`, ' "${failed[@]}"
    echo "> Failed: ${list%, }. Nothing was planned; see the \`checks\` job's log."
  else
    echo "> The checks job did not finish (result: $CHECKS_RESULT). Nothing was planned; see its log."
  fi
  echo
fi

# Policy findings, one a line as `RULE-ID  address  message` (npm run policy).
if [ -f checks/policy.log ]; then
  findings="$(grep -E '^[A-Z][A-Z0-9]*-[A-Z0-9-]+\s' checks/policy.log || true)"
  echo "## Policy"
  echo
  if [ -n "$findings" ]; then
    echo "$(grep -c . <<< "$findings") finding(s):"
    echo
    echo '```'
    head -n 200 <<< "$findings"
    echo '```'
  else
    echo "No findings."
  fi
  echo
fi

if [ "$CHECKS_RESULT" = "success" ] && [ "$CAN_PLAN" = "true" ]; then
  plans=(artifacts/plans/*.json)
  if [ "${#plans[@]}" -gt 0 ]; then
    # An unreadable plan is shown as such beside the others (exit 1 is not the end of the comment).
    npm run --silent plan-summary -- "${plans[@]}" || echo "_One or more plans could not be read; see above._"
  else
    echo "## Terraform plan"
    echo
    echo "No stack was planned."
  fi
  failures=(artifacts/plans/*.failed)
  if [ "${#failures[@]}" -gt 0 ] || [ "$PLAN_RESULT" = "failure" ]; then
    echo
    echo "> [!WARNING]"
    echo "> Some plans failed (result: $PLAN_RESULT); see the \`plan\` jobs of this run."
    for file in "${failures[@]}"; do echo "> - \`$(basename "$file" .failed)\`: $(cat "$file")"; done
  fi
  skipped=(artifacts/plans/*.skipped)
  if [ "${#skipped[@]}" -gt 0 ]; then
    echo
    echo "### Not planned yet"
    echo
    echo "These stacks read the state of stacks (or the cluster) that do not exist yet, as in a new environment."
    echo "On merge, the deploy plans each one after what it depends on was applied, and shows that plan before applying it."
    echo
    for file in "${skipped[@]}"; do echo "- \`$(basename "$file" .skipped)\`: $(cat "$file")"; done
  fi
fi

if [ -f checks/changes.json ]; then
  on_main="$(jq -r '.plannedOnMain | map("`\(.)`") | join(", ")' checks/changes.json)"
  if [ -n "$on_main" ]; then
    echo
    echo "### Planned on \`main\`"
    echo
    echo "Production stacks are never planned with a pull request's code (their plan role trusts only \`main\`)."
    echo "These changed ones are planned by the deploy after merge, and their approvers see that plan before the gated apply: $on_main."
  fi
  unchanged="$(jq -r '.unchanged | map("`\(.)`") | join(", ")' checks/changes.json)"
  if [ -n "$unchanged" ]; then
    echo
    echo "<details><summary>$(jq '.unchanged | length' checks/changes.json) stacks unchanged (same synthesized configuration as the base branch; not planned)</summary>"
    echo
    echo "$unchanged"
    echo
    echo "</details>"
  fi
fi

if [ -d cdktf.out ]; then
  echo
  if [ -s checks/base-cost.json ]; then
    npm run --silent cost -- --format markdown --compare checks/base-cost.json
  else
    npm run --silent cost -- --format markdown
    echo
    echo "_No estimate for the base branch, so no difference is shown._"
  fi
fi
