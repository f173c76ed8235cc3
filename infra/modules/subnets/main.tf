locals {
  prefix_length = tonumber(split("/", var.vpc_cidr)[1])

  # Public subnets take the first blocks and private ones the blocks right after the last public
  # block, so adding a zone later shifts nothing that already exists.
  max_zones = 4

  public_cidrs  = [for index in range(var.zone_count) : cidrsubnet(var.vpc_cidr, var.subnet_newbits, index)]
  private_cidrs = [for index in range(var.zone_count) : cidrsubnet(var.vpc_cidr, var.subnet_newbits, local.max_zones + index)]
}
