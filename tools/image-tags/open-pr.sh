#!/usr/bin/env bash
# Commits the environment files the image-tags tool rewrote to BRANCH and opens (or updates) a pull request
# into main: the only way tags move, so every move is reviewed. Used by build-image.yml (dev) and
# promote-image.yml (staging, prod). Needs GH_TOKEN (contents: write, pull-requests: write).
#   open-pr.sh BRANCH TITLE BODY_FILE
set -euo pipefail
branch="$1" title="$2" body_file="$3"
if git diff --quiet -- environments/; then
  echo "No tag changed; no pull request."
  exit 0
fi
git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git switch --create "$branch"
git add environments/
git commit --quiet --message "$title" --message "$(cat "$body_file")"
# The checkout kept no credentials (persist-credentials: false); this push alone uses the token.
git -c "http.https://github.com/.extraheader=AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)" \
  push --force origin "HEAD:refs/heads/$branch"
if [ -n "$(gh pr list --head "$branch" --state open --json number --jq '.[].number')" ]; then
  gh pr edit "$branch" --title "$title" --body-file "$body_file"
else
  gh pr create --base main --head "$branch" --title "$title" --body-file "$body_file"
fi
