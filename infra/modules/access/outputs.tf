output "ssh_cidrs" {
  description = "Validated, normalised, deduplicated CIDRs allowed to reach SSH."
  value       = local.ssh_cidrs
}

output "admin_cidrs" {
  description = "Validated, normalised, deduplicated CIDRs allowed to reach the Kubernetes API server."
  value       = local.admin_cidrs
}
