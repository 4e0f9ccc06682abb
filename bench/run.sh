#!/usr/bin/env bash
# tunelint vs the lesson's validator; see bench/run.py for the options.
set -euo pipefail
exec python3 "$(dirname "$0")/run.py" "$@"
