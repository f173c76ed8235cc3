# One security group for every node. Rules are separate resources (never inline blocks) so that the
# pipeline's temporary SSH rule for its runner can come and go without Terraform fighting it.
resource "aws_security_group" "nodes" {
  name_prefix = "${var.name_prefix}-nodes-"
  description = "Kubernetes nodes of ${var.name_prefix}"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name_prefix}-nodes" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = toset(var.allowed_ssh_cidrs)

  security_group_id = aws_security_group.nodes.id
  description       = "SSH from an allowed operator or CI range"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_ingress_rule" "kube_api_admin" {
  for_each = toset(var.admin_cidrs)

  security_group_id = aws_security_group.nodes.id
  description       = "Kubernetes API server from an admin range"
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  cidr_ipv4         = each.value
}

# The ingress controller answers plain and TLS web traffic from anywhere: that is the service.
# Literal ports, one resource each, so that an audit sees exactly what is public.
resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.nodes.id
  description       = "Ingress controller HTTP from the internet"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.nodes.id
  description       = "Ingress controller HTTPS from the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# Cluster-internal traffic, only between members of this security group.
resource "aws_vpc_security_group_ingress_rule" "node_to_node" {
  for_each = {
    flannel_vxlan = { protocol = "udp", from = 8472, to = 8472, what = "flannel VXLAN overlay" }
    kubelet       = { protocol = "tcp", from = 10250, to = 10250, what = "kubelet API (logs, exec, metrics)" }
    etcd          = { protocol = "tcp", from = 2379, to = 2380, what = "etcd clients and peers (HA control planes)" }
    kube_api      = { protocol = "tcp", from = 6443, to = 6443, what = "API server from the nodes" }
  }

  security_group_id            = aws_security_group.nodes.id
  description                  = "Node to node: ${each.value.what}"
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from
  to_port                      = each.value.to
  referenced_security_group_id = aws_security_group.nodes.id
}

# Egress is explicit: web for packages, images and the AWS APIs, DNS inside the VPC, and
# everything between the nodes themselves.
resource "aws_vpc_security_group_egress_rule" "web" {
  for_each = { http = 80, https = 443 }

  security_group_id = aws_security_group.nodes.id
  description       = "Outbound ${each.key}: packages, container images, AWS APIs"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "dns" {
  for_each = toset(["udp", "tcp"])

  security_group_id = aws_security_group.nodes.id
  description       = "DNS to the VPC resolver over ${each.key}"
  ip_protocol       = each.key
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = data.aws_vpc.this.cidr_block
}

resource "aws_vpc_security_group_egress_rule" "node_to_node" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "Node to node, every protocol"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.nodes.id
}

data "aws_vpc" "this" {
  id = var.vpc_id
}
