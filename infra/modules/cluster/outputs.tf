output "security_group_id" {
  description = "ID of the nodes' security group (the pipeline adds and removes its runner's SSH rule here)."
  value       = aws_security_group.nodes.id
}

output "security_group_arn" {
  description = "ARN of the nodes' security group, for the deploy role's policy."
  value       = aws_security_group.nodes.arn
}

output "control_plane" {
  description = "The control-plane node: instance ID, Elastic IP and private IP."
  value = {
    instance_id = aws_instance.control_plane.id
    public_ip   = aws_eip.control_plane.public_ip
    private_ip  = aws_instance.control_plane.private_ip
    name        = aws_instance.control_plane.tags["Name"]
  }
}

output "workers" {
  description = "The worker nodes in order: instance ID, public IP and private IP."
  value = [for node in aws_instance.worker : {
    instance_id = node.id
    public_ip   = node.public_ip
    private_ip  = node.private_ip
    name        = node.tags["Name"]
  }]
}

output "node_role_name" {
  description = "Name of the IAM role the nodes run with."
  value       = aws_iam_role.node.name
}

output "ami_id" {
  description = "Ubuntu image the nodes were first created from."
  value       = data.aws_ami.ubuntu.id
}
