output "role_arn" {
  description = "ARN of the deploy role, for aws-actions/configure-aws-credentials' role-to-assume."
  value       = aws_iam_role.deploy.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the role trusts."
  value       = local.oidc_provider_arn
}

output "trusted_subjects" {
  description = "Token subjects allowed to assume the role."
  value       = module.subjects.subjects
}
