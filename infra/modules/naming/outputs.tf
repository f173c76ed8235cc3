output "name_prefix" {
  description = "Prefix for resource names: PROJECT-ENVIRONMENT."
  value       = local.name_prefix
}

output "tags" {
  description = "Tags for every resource (the provider's default_tags): cost tags plus extra_tags."
  value       = local.tags
}
