# Conditionals, not &&: Terraform evaluates both sides of && even when the left one is false.
variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, a private range with a prefix length between /16 and /24."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) ? cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0] : false
    error_message = "vpc_cidr must be an IPv4 network address in CIDR notation, like 10.40.0.0/16 (host bits zero)."
  }

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) ? tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24 : false
    error_message = "vpc_cidr prefix length must be between /16 and /24 (AWS VPC limits, and room for the subnets)."
  }

  validation {
    # Masking the VPC address to a private range's prefix must give that range's network address.
    condition = can(cidrnetmask(var.vpc_cidr)) ? anytrue([
      for private in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] :
      tonumber(split("/", var.vpc_cidr)[1]) >= tonumber(split("/", private)[1]) &&
      cidrhost("${split("/", var.vpc_cidr)[0]}/${split("/", private)[1]}", 0) == cidrhost(private, 0)
    ]) : false
    error_message = "vpc_cidr must lie inside an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)."
  }
}

variable "zone_count" {
  description = "Number of availability zones to spread the public subnets over (at least 2 for resilience)."
  type        = number
  default     = 2

  validation {
    condition     = var.zone_count >= 2 && var.zone_count <= 4 && floor(var.zone_count) == var.zone_count
    error_message = "zone_count must be a whole number from 2 to 4."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet (4 turns a /16 into /20 subnets)."
  type        = number
  default     = 4

  validation {
    condition     = var.subnet_newbits >= 3 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "subnet_newbits must be a whole number from 3 to 8 (eight subnet blocks: four public, four private)."
  }

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) ? tonumber(split("/", var.vpc_cidr)[1]) + var.subnet_newbits <= 28 : true
    error_message = "vpc_cidr prefix plus subnet_newbits must not exceed 28: AWS subnets are /28 at the smallest."
  }
}
