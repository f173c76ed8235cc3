#!/usr/bin/env bash
# npm run demo: sets this machine up (Debian packages, npm dependencies, Node 24), then runs the whole
# pipeline on the local sandbox: sandbox up, build, push, scan, deploy to dev over SSH, rollout, check
# (cli/src/demo/). A second run ships a new image: an update rollout. The sandbox stays up afterwards;
# `npm run sandbox -- down` stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

printf '\n\033[1m== %s\033[0m\n' 'Setting up (Debian packages and npm dependencies, only what is missing)'
bash scripts/bootstrap.sh

exec node --import tsx cli/src/demo/run.ts "$@"
