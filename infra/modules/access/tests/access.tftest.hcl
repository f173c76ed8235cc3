variables {
  allowed_ssh_cidrs = ["203.0.113.0/24"]
  admin_cidrs       = ["198.51.100.10/32"]
}

run "valid_cidrs_pass_through" {
  command = plan

  assert {
    condition     = output.ssh_cidrs == tolist(["203.0.113.0/24"]) && output.admin_cidrs == tolist(["198.51.100.10/32"])
    error_message = "valid CIDRs changed: ${jsonencode(output.ssh_cidrs)} ${jsonencode(output.admin_cidrs)}"
  }
}

run "host_bits_are_normalised_and_duplicates_merged" {
  command = plan

  variables {
    allowed_ssh_cidrs = ["203.0.113.7/24", "203.0.113.0/24", "192.0.2.1/32"]
  }

  assert {
    condition     = output.ssh_cidrs == tolist(["203.0.113.0/24", "192.0.2.1/32"])
    error_message = "expected normalised, deduplicated CIDRs, got ${jsonencode(output.ssh_cidrs)}"
  }
}

run "empty_admin_list_closes_the_api_server" {
  command = plan

  variables {
    admin_cidrs = []
  }

  assert {
    condition     = length(output.admin_cidrs) == 0
    error_message = "an empty admin_cidrs must yield no API server rule"
  }
}

run "ssh_open_to_the_world_is_rejected" {
  command = plan

  variables {
    allowed_ssh_cidrs = ["203.0.113.0/24", "0.0.0.0/0"]
  }

  expect_failures = [var.allowed_ssh_cidrs]
}

run "ssh_open_to_the_ipv6_world_is_rejected" {
  command = plan

  variables {
    allowed_ssh_cidrs = ["::/0"]
  }

  expect_failures = [var.allowed_ssh_cidrs]
}

run "world_spelt_differently_is_rejected_by_prefix" {
  command = plan

  variables {
    allowed_ssh_cidrs = ["10.0.0.0/0"]
  }

  expect_failures = [var.allowed_ssh_cidrs]
}

run "empty_ssh_list_is_rejected" {
  command = plan

  variables {
    allowed_ssh_cidrs = []
  }

  expect_failures = [var.allowed_ssh_cidrs]
}

run "api_server_open_to_the_world_is_rejected" {
  command = plan

  variables {
    admin_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.admin_cidrs]
}

run "malformed_cidr_is_rejected" {
  command = plan

  variables {
    admin_cidrs = ["198.51.100.300/32"]
  }

  expect_failures = [var.admin_cidrs]
}

run "cidr_without_prefix_is_rejected" {
  command = plan

  variables {
    allowed_ssh_cidrs = ["10.0.0.1"]
  }

  expect_failures = [var.allowed_ssh_cidrs]
}
