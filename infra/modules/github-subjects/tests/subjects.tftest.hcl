variables {
  repository = "example-org/k8s-ship"
}

run "environments_become_environment_subjects_matched_exactly" {
  command = plan

  variables {
    environments = ["dev", "prod"]
  }

  assert {
    condition = output.subjects == [
      "repo:example-org/k8s-ship:environment:dev",
      "repo:example-org/k8s-ship:environment:prod",
    ]
    error_message = "unexpected subjects: ${jsonencode(output.subjects)}"
  }

  assert {
    condition     = output.condition_test == "StringEquals"
    error_message = "subjects without a pattern must use StringEquals"
  }
}

run "branch_pattern_switches_to_string_like" {
  command = plan

  variables {
    environments = ["prod"]
    branches     = ["main", "release/*"]
  }

  assert {
    condition = output.subjects == [
      "repo:example-org/k8s-ship:environment:prod",
      "repo:example-org/k8s-ship:ref:refs/heads/main",
      "repo:example-org/k8s-ship:ref:refs/heads/release/*",
    ]
    error_message = "unexpected subjects: ${jsonencode(output.subjects)}"
  }

  assert {
    condition     = output.condition_test == "StringLike"
    error_message = "a branch pattern needs StringLike"
  }
}

run "wildcard_repository_is_rejected" {
  command = plan

  variables {
    repository   = "example-org/*"
    environments = ["prod"]
  }

  expect_failures = [var.repository]
}

run "wildcard_environment_is_rejected" {
  command = plan

  variables {
    environments = ["*"]
  }

  expect_failures = [var.environments]
}

run "bare_wildcard_branch_is_rejected" {
  command = plan

  variables {
    branches = ["*"]
  }

  expect_failures = [var.branches]
}

run "no_subject_at_all_is_reported" {
  command = plan

  expect_failures = [check.at_least_one_subject]
}
