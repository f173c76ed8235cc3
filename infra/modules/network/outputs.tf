output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnet IDs in availability-zone order."
  value       = [for zone in local.zones : aws_subnet.public[zone].id]
}

output "availability_zones" {
  description = "Availability zones used, in order."
  value       = local.zones
}
