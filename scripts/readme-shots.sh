#!/usr/bin/env bash
# Rebuild the README's screenshots (docs/screenshots/) from the built site, under the build lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOOK_PORT:-$((4200 + RANDOM % 500))}
exec 9>/tmp/de-build.lock
flock 9
npx vite build > /tmp/readme-shots-build.log 2>&1 || { tail -40 /tmp/readme-shots-build.log; exit 1; }
node node_modules/vite/bin/vite.js preview --port "$PORT" --strictPort --host 127.0.0.1 > /dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/" > /dev/null && break; sleep 0.2; done
node scripts/figure-shots.mjs --base "http://127.0.0.1:$PORT" "$@"
