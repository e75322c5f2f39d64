#!/usr/bin/env bash
# Installs the pinned uv (uv-requirements.txt, hash-checked) into a cache outside the repository and
# prints the path of its binary. Idempotent: a finished install is reused. Needs python3 >= 3.11.
#   UV="$(tools/python/bootstrap-uv.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' "$here/uv-requirements.txt")"
cache="${MLOPS_PLATFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlops-platform}"
prefix="$cache/uv-$version"
uv="$prefix/bin/uv"
# The marker is written last: a half-finished install (interrupted pip) is redone, not trusted.
if [[ -x "$uv" && -f "$prefix/.complete" ]]; then
  echo "$uv"
  exit 0
fi
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "bootstrap-uv: $python is missing or older than 3.11 (set PYTHON to a python3.11 interpreter)" >&2
  exit 1
fi
rm -rf "$prefix"
mkdir -p "$cache"
"$python" -m venv "$prefix" >&2
"$prefix/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir --require-hashes \
  --only-binary=:all: -r "$here/uv-requirements.txt" >&2
"$uv" --version >&2
touch "$prefix/.complete"
echo "$uv"
