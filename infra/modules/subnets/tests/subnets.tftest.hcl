variables {
  vpc_cidr = "10.40.0.0/16"
}

run "two_zones_get_consecutive_public_and_reserved_private_blocks" {
  command = plan

  assert {
    condition     = output.public_cidrs == ["10.40.0.0/20", "10.40.16.0/20"]
    error_message = "unexpected public subnets: ${jsonencode(output.public_cidrs)}"
  }

  assert {
    condition     = output.private_cidrs == ["10.40.64.0/20", "10.40.80.0/20"]
    error_message = "unexpected private subnets: ${jsonencode(output.private_cidrs)}"
  }

  assert {
    condition     = output.subnet_prefix_length == 20
    error_message = "subnets of a /16 with 4 new bits should be /20"
  }
}

run "adding_a_zone_keeps_existing_subnets" {
  command = plan

  variables {
    zone_count = 3
  }

  assert {
    condition     = slice(output.public_cidrs, 0, 2) == ["10.40.0.0/20", "10.40.16.0/20"] && output.public_cidrs[2] == "10.40.32.0/20"
    error_message = "a third zone moved existing public subnets: ${jsonencode(output.public_cidrs)}"
  }

  assert {
    condition     = slice(output.private_cidrs, 0, 2) == ["10.40.64.0/20", "10.40.80.0/20"]
    error_message = "a third zone moved existing private subnets: ${jsonencode(output.private_cidrs)}"
  }
}

run "subnets_never_overlap" {
  command = plan

  variables {
    vpc_cidr       = "192.168.8.0/24"
    zone_count     = 4
    subnet_newbits = 3
  }

  assert {
    condition     = length(distinct(concat(output.public_cidrs, output.private_cidrs))) == 8
    error_message = "subnet blocks repeat: ${jsonencode(concat(output.public_cidrs, output.private_cidrs))}"
  }

  assert {
    condition     = output.private_cidrs[3] == "192.168.8.224/27"
    error_message = "the last private block should be the top /27 of the /24, got ${output.private_cidrs[3]}"
  }
}

run "public_vpc_range_is_rejected" {
  command = plan

  variables {
    vpc_cidr = "8.8.0.0/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "host_bits_in_vpc_cidr_are_rejected" {
  command = plan

  variables {
    vpc_cidr = "10.40.1.0/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "too_large_vpc_is_rejected" {
  command = plan

  variables {
    vpc_cidr = "10.0.0.0/8"
  }

  expect_failures = [var.vpc_cidr]
}

run "single_zone_is_rejected" {
  command = plan

  variables {
    zone_count = 1
  }

  expect_failures = [var.zone_count]
}

run "subnets_smaller_than_a_slash_28_are_rejected" {
  command = plan

  variables {
    vpc_cidr       = "10.1.2.0/24"
    subnet_newbits = 5
  }

  expect_failures = [var.subnet_newbits]
}

run "vpc_cidr_without_prefix_is_rejected" {
  command = plan

  variables {
    vpc_cidr = "10.40.0.0"
  }

  expect_failures = [var.vpc_cidr]
}
