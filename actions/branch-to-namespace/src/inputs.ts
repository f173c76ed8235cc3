import { isNamespacePrefix, NAMESPACE_PREFIX_EXPECTED } from '../../lib/src/derived-names.js';
import { ConfigurationError, getBooleanInput, getOptionalInput, parseList } from '../../lib/src/index.js';
import { checkEnvironmentName, type MappingRule, parseMapping } from './mapping.js';

export interface Inputs {
  mapping: MappingRule[];
  'default-environment': string;
  /** The environment chosen in a workflow_dispatch run, if any. */
  environment: string | undefined;
  preview: boolean;
  'production-environment': string;
  'production-branches': string[];
  'namespace-prefix': string;
  'overlay-root': string;
  /** Deploy this ref instead of the event's. */
  ref: string | undefined;
}

const RELATIVE_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

function namespacePrefix(value: string | undefined): string {
  if (value === undefined) return '';
  if (!isNamespacePrefix(value)) {
    throw ConfigurationError.invalidInput('namespace-prefix', value, NAMESPACE_PREFIX_EXPECTED);
  }
  return value;
}

function overlayRoot(value: string | undefined): string {
  const root = (value ?? 'k8s/overlays').replace(/\/+$/, '');
  if (!RELATIVE_PATH.test(root) || root.split('/').some((part) => part === '..' || part === '.')) {
    throw ConfigurationError.invalidInput('overlay-root', root, 'a relative path inside the repository');
  }
  return root;
}

export function getInputs(): Inputs {
  const environment = getOptionalInput('environment');
  return {
    mapping: parseMapping('mapping', getOptionalInput('mapping') ?? ''),
    'default-environment': checkEnvironmentName(
      'default-environment',
      getOptionalInput('default-environment') ?? 'dev',
    ),
    environment,
    preview: getBooleanInput('preview', false),
    'production-environment': checkEnvironmentName(
      'production-environment',
      getOptionalInput('production-environment') ?? 'prod',
    ),
    'production-branches': parseList(
      'production-branches',
      getOptionalInput('production-branches') ?? 'main',
    ),
    'namespace-prefix': namespacePrefix(getOptionalInput('namespace-prefix')),
    'overlay-root': overlayRoot(getOptionalInput('overlay-root')),
    ref: getOptionalInput('ref'),
  };
}
