#!/usr/bin/env bash
# `npm run bench:serving`: the serving benchmark in the model API's locked environment (created on first use).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
uv_home="${HOME}/.cache/mlops-platform/uv-0.13.9"
if [ ! -x "$uv_home/bin/uv" ]; then
  python3 -m venv "$uv_home"
  "$uv_home/bin/pip" install --quiet uv==0.13.9
fi
cd "$here"
UV_PYTHON_DOWNLOADS=never nice -n 10 "$uv_home/bin/uv" sync --frozen --quiet
exec .venv/bin/python bench/serving.py "$@"
