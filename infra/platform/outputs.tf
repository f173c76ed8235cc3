output "region" {
  description = "AWS region of the stack (for aws CLI calls and the pipeline)."
  value       = var.region
}

output "control_plane_public_ip" {
  description = "Elastic IP of the control-plane node: the pipeline's SSH target and the API server's TLS SAN."
  value       = module.cluster.control_plane.public_ip
}

output "control_plane_private_ip" {
  description = "Private IP of the control-plane node, which workers join."
  value       = module.cluster.control_plane.private_ip
}

output "instance_ids" {
  description = "Instance IDs by node name."
  value = merge(
    { (module.cluster.control_plane.name) = module.cluster.control_plane.instance_id },
    { for node in module.cluster.workers : node.name => node.instance_id },
  )
}

output "ssh_user" {
  description = "Login user of the Ubuntu image."
  value       = "ubuntu"
}

output "ssh_host_key_command" {
  description = "Command that prints the control plane's SSH host keys from its serial console, to pin before the first connection (known_hosts)."
  value       = "aws ec2 get-console-output --region ${var.region} --instance-id ${module.cluster.control_plane.instance_id} --latest --output text | sed -n '/BEGIN SSH HOST KEY KEYS/,/END SSH HOST KEY KEYS/p'"
}

output "control_plane" {
  description = "The control-plane node for Ansible's inventory (ansible/inventory/from-terraform.ts): name, instance_id, public_ip (the Elastic IP), private_ip."
  value       = module.cluster.control_plane
}

output "workers" {
  description = "Worker nodes for Ansible's inventory, each shaped like control_plane; a worker without public_ip is reached through the control plane."
  value       = module.cluster.workers
}

output "ecr_repository_url" {
  description = "ECR repository URL the pipeline pushes the service image to."
  value       = module.ecr.repository_url
}

output "deploy_role_arn" {
  description = "Role for GitHub Actions (aws-actions/configure-aws-credentials role-to-assume)."
  value       = module.github_oidc.role_arn
}

output "security_group_id" {
  description = "Nodes' security group, where the pipeline opens SSH for its runner during a deploy."
  value       = module.cluster.security_group_id
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}
