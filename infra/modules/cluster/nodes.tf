# Current Ubuntu LTS from Canonical's own account, never an image anyone else could publish.
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${var.architecture}-server-*"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

resource "aws_key_pair" "operators" {
  key_name_prefix = "${var.name_prefix}-"
  public_key      = trimspace(var.ssh_public_key)
}

locals {
  nodes_common = {
    ami                  = data.aws_ami.ubuntu.id
    key_name             = aws_key_pair.operators.key_name
    iam_instance_profile = aws_iam_instance_profile.node.name
    security_group_ids   = [aws_security_group.nodes.id]
  }
}

resource "aws_instance" "control_plane" {
  ami                     = local.nodes_common.ami
  instance_type           = var.control_plane_instance_type
  subnet_id               = var.subnet_ids[0]
  vpc_security_group_ids  = local.nodes_common.security_group_ids
  key_name                = local.nodes_common.key_name
  iam_instance_profile    = local.nodes_common.iam_instance_profile
  disable_api_termination = var.protect_control_plane
  ebs_optimized           = true

  # The Elastic IP below replaces this address; it only serves the first boot.
  associate_public_ip_address = true

  # IMDSv2 only, and one hop: pods cannot reach the node's credentials through the metadata service.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    delete_on_termination = true
  }

  user_data = templatefile("${path.module}/user-data.yaml.tftpl", { hostname = "${var.name_prefix}-cp-1" })

  tags = { Name = "${var.name_prefix}-cp-1", Role = "control-plane" }

  # Changes that would replace a running node are made on it in place instead: a newer Ubuntu image
  # (Ansible patches the node), user data (first boot only), and a rotated operators' key (a new
  # ssh_public_key replaces the key pair and so renames it; the key is rotated in the nodes'
  # authorized_keys, docs/operations.md, and only nodes created later get the new key pair).
  lifecycle {
    ignore_changes = [ami, user_data, key_name]
  }
}

resource "aws_instance" "worker" {
  count = var.worker_count

  ami                    = local.nodes_common.ami
  instance_type          = var.worker_instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = local.nodes_common.security_group_ids
  key_name               = local.nodes_common.key_name
  iam_instance_profile   = local.nodes_common.iam_instance_profile
  ebs_optimized          = true

  # Public subnets without a NAT gateway: workers need their own address to pull images.
  associate_public_ip_address = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    delete_on_termination = true
  }

  user_data = templatefile("${path.module}/user-data.yaml.tftpl", { hostname = "${var.name_prefix}-worker-${count.index + 1}" })

  tags = { Name = "${var.name_prefix}-worker-${count.index + 1}", Role = "worker" }

  # As for the control plane: image, user data and key pair are never reasons to replace a node.
  lifecycle {
    ignore_changes = [ami, user_data, key_name]
  }
}

# A stable address for the pipeline's SSH and for the API server certificate's SAN.
resource "aws_eip" "control_plane" {
  domain   = "vpc"
  instance = aws_instance.control_plane.id

  tags = { Name = "${var.name_prefix}-cp-1" }
}
