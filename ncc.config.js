// Every bundle this repository ships. `npm run package` writes them; the test run rebuilds them in a
// temporary folder and fails when a committed action bundle differs (`node scripts/package.js --check`).
// `committed: false` bundles (the service) are build outputs only, never checked in.

export default [
  { name: 'service', entry: 'service/src/index.ts', out: 'service/dist', committed: false },
  {
    name: 'branch-to-namespace',
    entry: 'actions/branch-to-namespace/src/index.ts',
    out: 'actions/branch-to-namespace/dist',
  },
  { name: 'build-push', entry: 'actions/build-push/src/index.ts', out: 'actions/build-push/dist' },
  {
    name: 'build-push-post',
    entry: 'actions/build-push/src/post.ts',
    out: 'actions/build-push/dist/post',
  },
  { name: 'trivy-scan', entry: 'actions/trivy-scan/src/index.ts', out: 'actions/trivy-scan/dist' },
];
