#!/usr/bin/env bash
# Build the site, serve it, and screenshot the given paths (see scripts/shot.mjs for the syntax).
# Serialised with a lock so several people (or agents) sharing a checkout don't clobber build/.
#   scripts/look.sh "/chapters/ddpm/@1280x720#full" "/chapters/ddpm/@390x844#full"
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOOK_PORT:-$((4200 + RANDOM % 500))}
exec 9>/tmp/de-build.lock
flock 9
npx vite build > /tmp/look-build-$PORT.log 2>&1 || { tail -40 /tmp/look-build-$PORT.log; exit 1; }
node node_modules/vite/bin/vite.js preview --port "$PORT" --strictPort --host 127.0.0.1 > /dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/" > /dev/null && break; sleep 0.2; done
node scripts/shot.mjs --base "http://127.0.0.1:$PORT" "$@"
