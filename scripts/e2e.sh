#!/usr/bin/env bash
# Build and run Playwright specs (all, or those named), serialised with the same lock as look.sh.
#   scripts/e2e.sh tests/e2e/ch01.spec.ts
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/de-build.lock
flock 9
npx vite build > /tmp/e2e-build.log 2>&1 || { tail -40 /tmp/e2e-build.log; exit 1; }
PW_PORT=${PW_PORT:-$((4700 + RANDOM % 200))} npx playwright test "$@"
