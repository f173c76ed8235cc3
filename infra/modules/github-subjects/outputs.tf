output "subjects" {
  description = "Values for the token.actions.githubusercontent.com:sub condition."
  value       = local.subjects
}

output "condition_test" {
  description = "IAM condition operator for the subjects: StringEquals, or StringLike when a branch pattern is used."
  value       = local.uses_wildcards ? "StringLike" : "StringEquals"
}
