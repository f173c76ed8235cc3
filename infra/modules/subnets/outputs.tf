output "public_cidrs" {
  description = "One public subnet CIDR per availability zone, in zone order."
  value       = local.public_cidrs
}

output "private_cidrs" {
  description = "One private subnet CIDR per availability zone, in zone order (reserved, not yet used)."
  value       = local.private_cidrs
}

output "subnet_prefix_length" {
  description = "Prefix length of every subnet."
  value       = local.prefix_length + var.subnet_newbits
}
