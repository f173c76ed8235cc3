locals {
  environment_subjects = [for name in var.environments : "repo:${var.repository}:environment:${name}"]
  branch_subjects      = [for name in var.branches : "repo:${var.repository}:ref:refs/heads/${name}"]
  subjects             = concat(local.environment_subjects, local.branch_subjects)

  # StringLike only when a pattern needs it: with StringEquals a stray '*' could never widen the trust.
  uses_wildcards = anytrue([for subject in local.subjects : strcontains(subject, "*")])
}

check "at_least_one_subject" {
  assert {
    condition     = length(local.subjects) > 0
    error_message = "Give at least one GitHub environment or branch: without a subject the deploy role trusts nobody."
  }
}
