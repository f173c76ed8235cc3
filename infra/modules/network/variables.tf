variable "name_prefix" {
  description = "Prefix for the Name tag of every resource, like k8s-ship-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC (validated by the subnets module that computes public_subnet_cidrs)."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR like 10.40.0.0/16."
  }
}

variable "public_subnet_cidrs" {
  description = "One public subnet CIDR per availability zone, in zone order (at least two zones)."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_cidrs) >= 2 && alltrue([for cidr in var.public_subnet_cidrs : can(cidrnetmask(cidr))])
    error_message = "public_subnet_cidrs must hold at least two IPv4 CIDRs, one per availability zone."
  }
}
