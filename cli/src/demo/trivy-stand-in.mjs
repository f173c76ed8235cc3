#!/usr/bin/env node
// The demo's `trivy`. Trivy cannot be installed on these machines, so this is a stand-in: the trivy-scan
// tests' stand-in (real Trivy reports recorded from Trivy's own integration tests), asked for the report
// of a distroless base image whatever image it is given. The findings are NOT about the scanned image;
// the demo says so in its output.
const separator = process.argv.indexOf('--');
if (process.argv[2] === 'image' && separator > 0 && separator + 1 < process.argv.length) {
  process.argv[separator + 1] = 'recorded/distroless-base';
}
await import(new URL('../../../actions/trivy-scan/test/fixtures/fake-trivy.mjs', import.meta.url).href);
