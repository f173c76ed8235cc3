variables {
  project     = "k8s-ship"
  environment = "dev"
  owner       = "platform-team"
  cost_center = "cc-1234"
  repository  = "example-org/k8s-ship"
}

run "name_prefix_joins_project_and_environment" {
  command = plan

  assert {
    condition     = output.name_prefix == "k8s-ship-dev"
    error_message = "name_prefix should be k8s-ship-dev, got ${output.name_prefix}"
  }
}

run "tags_carry_every_cost_tag" {
  command = plan

  assert {
    condition = output.tags == {
      Project     = "k8s-ship"
      Environment = "dev"
      Owner       = "platform-team"
      CostCenter  = "cc-1234"
      Repository  = "example-org/k8s-ship"
      ManagedBy   = "terraform"
    }
    error_message = "unexpected tags: ${jsonencode(output.tags)}"
  }
}

run "extra_tags_are_added_but_cannot_override_cost_tags" {
  command = plan

  variables {
    extra_tags = {
      Team       = "payments"
      CostCenter = "someone-else"
      Owner      = ""
    }
  }

  assert {
    condition     = output.tags["Team"] == "payments"
    error_message = "extra tag Team was dropped"
  }

  assert {
    condition     = output.tags["CostCenter"] == "cc-1234" && output.tags["Owner"] == "platform-team"
    error_message = "extra_tags overrode a mandatory cost tag: ${jsonencode(output.tags)}"
  }
}

run "unknown_environment_is_rejected" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}

run "uppercase_project_is_rejected" {
  command = plan

  variables {
    project = "K8S_Ship"
  }

  expect_failures = [var.project]
}

run "empty_owner_is_rejected" {
  command = plan

  variables {
    owner = "  "
  }

  expect_failures = [var.owner]
}

run "reserved_aws_tag_prefix_is_rejected" {
  command = plan

  variables {
    extra_tags = { "aws:createdBy" = "me" }
  }

  expect_failures = [var.extra_tags]
}
