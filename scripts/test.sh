#!/usr/bin/env bash
# The whole test suite: prerequisites, lint and format, types, the committed bundles, every test.
# Integration tests bring up the sandbox themselves (test/global-setup.ts) and stop what they started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh
echo '== lint and format'; npx biome ci .
echo '== types'; npx tsc --noEmit
echo '== committed bundles'; node scripts/package.js --check
echo '== tests'
mkdir -p reports
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=$?
node scripts/check-test-report.js reports/vitest.json || status=1
exit "$status"
