#!/usr/bin/env bash
# The plan job of deploy-stack.yml: plan $STACK read-only, decide whether that plan may be applied, show it.
#
# May be applied (changes=true, fingerprint=<sha256>) when the plan
#   - equals the plan reviewed on the merged pull request (same fingerprint), or
#   - was not made by the pull request because what the stack depends on did not exist yet (`<stack>.skipped`):
#     it is planned here, after its upstream was applied earlier in this run, and shown before its apply, or
#   - belongs to a production tier, which pull requests never plan: the approval on the apply job is the review, or
#   - the dispatcher chose ACCEPT_FRESH_PLANS=true for this target (recovery after a failed apply).
# Anything else is refused: no reviewed plan for changes (drift, or a state change since the review), a failed
# pull-request plan, or a different fingerprint.
#
# Env: STACK, ENTRY (its ci-matrix entry as JSON), REVIEWED_RUN_ID, ACCEPT_FRESH_PLANS, SKIP_REASON,
#      TARGET_PLAN_ROLE_ARN, GITHUB_REPOSITORY, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP.
set -eo pipefail

refuse() {
  echo "::error title=Deploy of $STACK refused::$1"
  printf '### :no_entry: `%s` not applied\n\n%s\n' "$STACK" "$1" >> "$GITHUB_STEP_SUMMARY"
  exit 1
}

if [ -n "$SKIP_REASON" ]; then
  refuse "It cannot be planned yet: $SKIP_REASON. The stacks before it in this run should have created that; see their jobs."
fi

mkdir -p plans
dir="cdktf.out/stacks/$STACK"
terraform -chdir="$dir" init -input=false
if [ -n "$TARGET_PLAN_ROLE_ARN" ]; then export TF_VAR_aws_role_arn="$TARGET_PLAN_ROLE_ARN"; fi
code=0
# Read-only and lock-free (the plan role may not write locks); the apply job plans again with the lock.
terraform -chdir="$dir" plan -input=false -lock=false -detailed-exitcode -out=tfplan || code=$?
# -detailed-exitcode: 0 no changes, 2 changes; anything else (1, or a signal) is an error.
case "$code" in
  0 | 2) ;;
  *) refuse "terraform plan failed (exit $code); see the log." ;;
esac
full="$RUNNER_TEMP/$STACK.plan.json"
terraform -chdir="$dir" show -json tfplan > "$full"
fingerprint="$(npm run --silent plan-summary -- --fingerprint "$full")"
# Only the redacted copy leaves this runner.
npm run --silent plan-summary -- --redact "$full" > "plans/$STACK.json"
rm -f "$full"
echo "$fingerprint" > "plans/$STACK.fingerprint"
echo "fingerprint=$fingerprint" >> "$GITHUB_OUTPUT"

if [ "$code" = 0 ]; then
  echo "changes=false" >> "$GITHUB_OUTPUT"
  echo "- \`$STACK\`: no changes" >> "$GITHUB_STEP_SUMMARY"
  exit 0
fi

verdict=""
if [ "$(jq -r .planOnPullRequest <<< "$ENTRY")" = "false" ]; then
  verdict="Production tier: pull requests never plan it. **This is the plan the approvers of \`$(jq -r .environment <<< "$ENTRY")\` approve.**"
elif [ "$ACCEPT_FRESH_PLANS" = "true" ]; then
  verdict="Applied as planned here, by explicit choice of the dispatcher ($GITHUB_ACTOR), not compared with a reviewed plan."
  echo "::warning title=Unreviewed plan::$STACK: applying a fresh plan by explicit choice of the dispatcher"
elif [ -z "$REVIEWED_RUN_ID" ]; then
  refuse "No ci.yml run of a merged pull request was found for this commit, so there is no reviewed plan to compare with. Review this plan, then run deploy by hand for this environment with accept_fresh_plans."
else
  rm -rf reviewed
  if ! gh run download "$REVIEWED_RUN_ID" --repo "$GITHUB_REPOSITORY" --name "plan-$STACK" --dir reviewed; then
    refuse "The pull request (ci.yml run $REVIEWED_RUN_ID) did not plan $STACK (its synthesized configuration did not change there, or the artifact expired), yet it has changes now: drift, or a state change since. Review this plan, then run deploy by hand for this environment with accept_fresh_plans."
  fi
  if [ -f "reviewed/$STACK.skipped" ]; then
    verdict="Planned here after what it depends on was applied; the pull request could not plan it ($(cat "reviewed/$STACK.skipped"))."
  elif [ -f "reviewed/$STACK.failed" ]; then
    refuse "The pull request's plan of $STACK failed, so nothing was reviewed. Fix it in a pull request."
  elif [ "$(cat "reviewed/$STACK.fingerprint" 2> /dev/null)" = "$fingerprint" ]; then
    verdict="Equals the plan reviewed on the pull request (fingerprint \`$fingerprint\`)."
  else
    refuse "The plan differs from the one reviewed on the pull request (fingerprint $fingerprint, reviewed $(cat "reviewed/$STACK.fingerprint" 2> /dev/null || echo none)): state or main changed since. Open a pull request to re-plan, or review this plan and run deploy by hand for this environment with accept_fresh_plans."
  fi
fi
echo "changes=true" >> "$GITHUB_OUTPUT"
{
  npm run --silent plan-summary -- --title "## Plan of \`$STACK\`" "$STACK=plans/$STACK.json"
  echo
  echo "$verdict"
} >> "$GITHUB_STEP_SUMMARY"
