import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderDeployerRbac } from '../src/cluster/addons.js';

/*
 * The deploy_user role's manifest as the sandbox renders it: what may be deleted is decided by the
 * admission policy, so it must name the very ServiceAccount the ClusterRole is bound to. The
 * real-cluster test (deployer-namespaces.itg.test.ts) shows the API server enforcing it.
 */

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads the manifest's open-ended YAML
type Json = any;

const { manifest, serviceAccount, namespace } = renderDeployerRbac();
const objects: Json[] = parseAllDocuments(manifest).map((document) => document.toJS());
const ofKind = (kind: string): Json => objects.find((object) => object.kind === kind);
const policyNamed = (suffix: string): Json =>
  objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name.endsWith(suffix));

describe('the deployer’s RBAC and admission policy, rendered', () => {
  it('holds the ServiceAccount, its token, the policies that limit its deletes, then its role and binding', () => {
    expect(objects.map((object) => object.kind)).toEqual([
      'ServiceAccount',
      'Secret',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
    new ValidatingAdmissionPolicy(ofKind('ValidatingAdmissionPolicy')).validate();
    new ValidatingAdmissionPolicyBinding(ofKind('ValidatingAdmissionPolicyBinding')).validate();
    new ClusterRole(ofKind('ClusterRole')).validate();
    new ClusterRoleBinding(ofKind('ClusterRoleBinding')).validate();
  });

  it('lets the role delete namespaces and Deployments (each limited by a policy) and nothing else', () => {
    const rules: Rule[] = ofKind('ClusterRole').rules;
    const deleting = rules.filter((rule) => rule.verbs.some((verb) => verb === 'delete' || verb === '*'));
    expect(deleting).toEqual([
      expect.objectContaining({ apiGroups: [''], resources: ['namespaces'] }),
      expect.objectContaining({ apiGroups: ['apps'], resources: ['deployments'] }),
    ]);
    expect(rules.flatMap((rule) => rule.verbs)).not.toContain('deletecollection');
  });

  it('applies the policy to the requests of the ServiceAccount the role is bound to, and only to them', () => {
    const [subject] = ofKind('ClusterRoleBinding').subjects;
    expect(subject).toEqual({ kind: 'ServiceAccount', name: serviceAccount, namespace });
    const policy = policyNamed('-deletes-previews-only');
    expect(policy.spec.matchConditions).toEqual([
      {
        name: 'deployer',
        expression: `request.userInfo.username == 'system:serviceaccount:${namespace}:${serviceAccount}'`,
      },
    ]);
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['namespaces'],
        operations: ['CREATE', 'UPDATE', 'DELETE'],
        scope: '*',
      },
    ]);
    expect(policy.spec.failurePolicy).toBe('Fail');
  });

  it('binds each policy to deny, with no narrower match than the policy’s own', () => {
    const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings.map((binding) => binding.spec)).toEqual(
      policies.map((policy) => ({ policyName: policy.metadata.name, validationActions: ['Deny'] })),
    );
  });

  it('limits Deployment deletes to the canary and green variants, for the same ServiceAccount', () => {
    const policy = policyNamed('-deletes-variants-only');
    new ValidatingAdmissionPolicy(policy).validate();
    expect(policy.spec.matchConditions).toEqual(policyNamed('-deletes-previews-only').spec.matchConditions);
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      {
        apiGroups: ['apps'],
        apiVersions: ['v1'],
        resources: ['deployments'],
        operations: ['CREATE', 'UPDATE', 'DELETE'],
        scope: 'Namespaced',
      },
    ]);
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.validations.map((v: { reason: string }) => v.reason)).toEqual([
      'Forbidden',
      'Forbidden',
      'Forbidden',
    ]);
  });

  it('refuses as Forbidden, as RBAC does, saying in each refusal what the rule is', () => {
    const validations: { message: string; reason: string }[] =
      policyNamed('-deletes-previews-only').spec.validations;
    expect(validations.map((validation) => validation.reason)).toEqual([
      'Forbidden',
      'Forbidden',
      'Forbidden',
    ]);
    expect(validations.map((validation) => validation.message)).toEqual([
      `${serviceAccount} may delete only preview namespaces, those labelled k8s-ship.io/preview=true when they were created`,
      'the label k8s-ship.io/preview is set when a preview namespace is created and never added, changed or removed afterwards',
      "a namespace labelled k8s-ship.io/preview=true is a preview's, named <prefix>preview-<branch>",
    ]);
  });
});
