// kubectl over SSH or locally, behind one interface. See ../../README.md ("kubectl").

export * from './args.js';
export * from './cluster-error.js';
export * from './kubectl.js';
export * from './kubectl-client.js';
export { checkKubectlPath, KUBECTL_PATH_EXPECTED } from './kubectl-path.js';
export * from './kustomize.js';
export * from './names.js';
export { RemoteShellTransport, remoteCommandLine } from './remote-shell-transport.js';
export * from './resources.js';
