// Every bundle this repository ships. `npm run package` writes them; the test run rebuilds them in a
// temporary folder and fails when a committed action bundle differs (`node scripts/package.js --check`).
// `committed: false` bundles (the service) are build outputs only, never checked in.
export default [
  { name: 'service', entry: 'service/src/index.ts', out: 'service/dist', committed: false },
];
