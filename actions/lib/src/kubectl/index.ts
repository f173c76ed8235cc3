// kubectl over SSH or locally, behind one interface. See ../../README.md ("kubectl").
export * from './kubectl.js';
export * from './kubectl-client.js';
export { checkKubectlPath, KUBECTL_PATH_EXPECTED } from './kubectl-path.js';
export * from './kustomize.js';
export { LocalTransport } from './local-transport.js';
export * from './names.js';
export * from './operations.js';
export { RemoteShellTransport, remoteCommandLine } from './remote-shell-transport.js';
export * from './resources.js';
export type { ArgvTransport } from './transport.js';
export { EXIT_COMMAND_NOT_FOUND } from './transport.js';
