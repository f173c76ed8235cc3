// Every bundle this repository ships. `npm run package` writes them; the test run rebuilds them in a
// temporary folder and fails when a committed action bundle differs (`node scripts/package.js --check`).
// `committed: false` bundles (the service) are build outputs only, never checked in.

// ssh2's optional native speed-ups are built for one Node ABI on one machine: left out of the bundles
// that speak SSH, ssh2 falls back to pure JavaScript and every machine builds the same bytes.
const ssh2NativeAddons = ['cpu-features', './crypto/build/Release/sshcrypto.node'];

export default [
  // The service image ships the bundle's SBOM (sbom.cdx.json): the packages ncc inlined, for scanners.
  { name: 'service', entry: 'service/src/index.ts', out: 'service/dist', committed: false, sbom: true },
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
  { name: 'tag-image', entry: 'actions/tag-image/src/index.ts', out: 'actions/tag-image/dist' },
  {
    name: 'preview-cleanup',
    entry: 'actions/preview-cleanup/src/index.ts',
    out: 'actions/preview-cleanup/dist',
    externals: ssh2NativeAddons,
  },
  {
    name: 'rollout-wait',
    entry: 'actions/rollout-wait/src/index.ts',
    out: 'actions/rollout-wait/dist',
    externals: ssh2NativeAddons,
  },
  {
    name: 'ssh-set-image',
    entry: 'actions/ssh-set-image/src/index.ts',
    out: 'actions/ssh-set-image/dist',
    externals: ssh2NativeAddons,
  },
  {
    name: 'deployment-status',
    entry: 'actions/deployment-status/src/index.ts',
    out: 'actions/deployment-status/dist',
  },
  {
    name: 'ssh-set-image-post',
    entry: 'actions/ssh-set-image/src/post.ts',
    out: 'actions/ssh-set-image/dist/post',
  },
];
