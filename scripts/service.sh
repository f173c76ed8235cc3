#!/usr/bin/env bash
# npm run service: the metrics API on this machine (PORT, default 8000), from its bundle, which is built
# first when its sources changed since the last build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -d node_modules ]]; then
  echo "npm run service: the npm dependencies are not installed; run 'npm install' first (or 'npm test')" >&2
  exit 1
fi
node --import tsx service/build/ensure-bundle.ts
# The same V8 flags as the image's ENTRYPOINT (service/test/node-flags.test.ts keeps them equal).
exec node --max-semi-space-size=8 service/dist/index.js
