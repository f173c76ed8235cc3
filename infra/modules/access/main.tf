locals {
  # Normalised to network addresses and deduplicated, so that 203.0.113.7/24 and 203.0.113.0/24
  # become one security group rule rather than two that AWS would reject as duplicates.
  ssh_cidrs   = distinct([for cidr in var.allowed_ssh_cidrs : "${cidrhost(cidr, 0)}/${split("/", cidr)[1]}"])
  admin_cidrs = distinct([for cidr in var.admin_cidrs : "${cidrhost(cidr, 0)}/${split("/", cidr)[1]}"])
}
