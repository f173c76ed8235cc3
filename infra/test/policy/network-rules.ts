import {
  type Block,
  type HclBody,
  isExpression,
  nested,
  resources,
  stringList,
  type TfModule,
  textOf,
} from './hcl.js';
import { Findings, type PolicyRule } from './rule.js';

const PUBLIC_WEB_PORTS = new Set([80, 443]);

/** Ports that only cluster members may reach: etcd, flannel VXLAN, kubelet, scheduler, controller manager. */
const INTERNAL_PORTS: ReadonlyArray<readonly [number, number]> = [
  [2379, 2380],
  [8472, 8472],
  [10250, 10250],
  [10257, 10257],
  [10259, 10259],
];

interface IngressRule {
  where: string;
  from: number;
  to: number;
  allProtocols: boolean;
  cidrs: string[];
  /** for_each and cidr expressions, to see which variable the addresses come from. */
  sourceText: string;
  fromSecurityGroup: boolean;
}

export function isWorldCidr(cidr: string): boolean {
  const trimmed = cidr.trim();
  return trimmed.endsWith('/0');
}

function portOf(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return fallback;
}

function ingressFrom(where: string, body: HclBody, cidrKeys: string[]): IngressRule {
  const protocol = String(body.ip_protocol ?? body.protocol ?? 'tcp');
  const allProtocols = protocol === '-1' || protocol === 'all';
  // Unknown ports (expressions) are treated as "every port" so that they can only make a rule stricter.
  const from = allProtocols ? 0 : portOf(body.from_port, 0);
  const to = allProtocols ? 65535 : portOf(body.to_port, 65535);
  const cidrs = cidrKeys.flatMap((key) => stringList(body[key]));
  return {
    where,
    from,
    to,
    allProtocols,
    cidrs,
    sourceText: textOf([body.for_each, ...cidrKeys.map((key) => body[key])]),
    fromSecurityGroup:
      body.referenced_security_group_id !== undefined ||
      body.source_security_group_id !== undefined ||
      body.self === true ||
      body.security_groups !== undefined,
  };
}

function ingressRules(module: TfModule): IngressRule[] {
  const standalone = resources(module, 'aws_vpc_security_group_ingress_rule').map((block) =>
    ingressFrom(block.where, block.body, ['cidr_ipv4', 'cidr_ipv6']),
  );
  const legacy = resources(module, 'aws_security_group_rule')
    .filter((block) => block.body.type === 'ingress')
    .map((block) => ingressFrom(block.where, block.body, ['cidr_blocks', 'ipv6_cidr_blocks']));
  const inline = resources(module, 'aws_security_group').flatMap((block) =>
    nested(block.body, 'ingress').map((body, index) =>
      ingressFrom(`${block.where} ingress[${index}]`, body, ['cidr_blocks', 'ipv6_cidr_blocks']),
    ),
  );
  return [...standalone, ...legacy, ...inline];
}

const covers = (rule: IngressRule, port: number): boolean => rule.from <= port && port <= rule.to;
const overlaps = (rule: IngressRule, [low, high]: readonly [number, number]): boolean =>
  rule.from <= high && low <= rule.to;

/** Where an admin port's addresses may come from: the guarded variable, or another security group. */
function sourcedFrom(rule: IngressRule, variable: string): boolean {
  if (rule.fromSecurityGroup && rule.cidrs.length === 0) return true;
  return (
    rule.cidrs.length > 0 &&
    rule.cidrs.every((cidr) => isExpression(cidr)) &&
    rule.sourceText.includes(variable)
  );
}

export const securityGroupIngressRule: PolicyRule = {
  name: 'security-group-ingress',
  check(module) {
    const findings = new Findings(this.name);
    for (const rule of ingressRules(module)) {
      findings.saw(rule.where);
      const worldOpen = rule.cidrs.some((cidr) => !isExpression(cidr) && isWorldCidr(cidr));
      const onlyWebPorts = !rule.allProtocols && rule.from === rule.to && PUBLIC_WEB_PORTS.has(rule.from);
      if (worldOpen && !onlyWebPorts) {
        findings.fail(
          rule.where,
          `ports ${rule.from}-${rule.to} are open to the whole internet; only 80 and 443 may be`,
        );
      }
      if (covers(rule, 22) && !sourcedFrom(rule, 'allowed_ssh_cidrs')) {
        findings.fail(
          rule.where,
          'SSH (22) must come only from var.allowed_ssh_cidrs or the cluster security group',
        );
      }
      if (covers(rule, 6443) && !sourcedFrom(rule, 'admin_cidrs')) {
        findings.fail(
          rule.where,
          'the API server (6443) must come only from var.admin_cidrs or the cluster security group',
        );
      }
      const internal = INTERNAL_PORTS.find((range) => overlaps(rule, range));
      if (
        internal &&
        !(rule.fromSecurityGroup && rule.cidrs.length === 0) &&
        !rule.sourceText.includes('vpc_cidr')
      ) {
        findings.fail(
          rule.where,
          `cluster-internal ports ${internal[0]}-${internal[1]} must come only from the security group itself or the VPC CIDR`,
        );
      }
    }
    return findings.result();
  },
};

/** Security groups carry no inline rules, and egress is declared, never the implicit allow-all. */
export const explicitEgressRule: PolicyRule = {
  name: 'explicit-egress',
  check(module) {
    const findings = new Findings(this.name);
    const egressRules = [
      ...resources(module, 'aws_vpc_security_group_egress_rule'),
      ...resources(module, 'aws_security_group_rule').filter((block) => block.body.type === 'egress'),
    ];
    for (const group of resources(module, 'aws_security_group')) {
      findings.saw(group.where);
      if (nested(group.body, 'ingress').length > 0 || nested(group.body, 'egress').length > 0) {
        findings.fail(group.where, 'use separate rule resources, not inline ingress/egress blocks');
      }
      const reference = `aws_security_group.${group.name}.id`;
      if (!egressRules.some((rule: Block) => textOf(rule.body.security_group_id).includes(reference))) {
        findings.fail(group.where, `declare its egress explicitly (no egress rule references ${reference})`);
      }
    }
    return findings.result();
  },
};
