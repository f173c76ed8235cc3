variable "allowed_ssh_cidrs" {
  description = "IPv4 CIDRs allowed to reach SSH (22/tcp) on the nodes: operators and CI runners. Never the whole internet."
  type        = list(string)

  validation {
    condition     = length(var.allowed_ssh_cidrs) > 0
    error_message = "allowed_ssh_cidrs must list at least one CIDR (for example your office or VPN range)."
  }

  validation {
    condition     = alltrue([for cidr in var.allowed_ssh_cidrs : !contains(["0.0.0.0/0", "::/0"], trimspace(cidr))])
    error_message = "allowed_ssh_cidrs must not contain 0.0.0.0/0 or ::/0: SSH is never open to the whole internet."
  }

  # Conditionals, not &&: Terraform evaluates both sides of && even when the left one is false.
  validation {
    condition     = alltrue([for cidr in var.allowed_ssh_cidrs : can(cidrnetmask(cidr)) ? tonumber(split("/", cidr)[1]) >= 8 : false])
    error_message = "allowed_ssh_cidrs entries must be IPv4 CIDRs with a prefix of /8 or longer, like 203.0.113.0/24."
  }
}

variable "admin_cidrs" {
  description = "IPv4 CIDRs allowed to reach the Kubernetes API server (6443/tcp). Never the whole internet."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : !contains(["0.0.0.0/0", "::/0"], trimspace(cidr))])
    error_message = "admin_cidrs must not contain 0.0.0.0/0 or ::/0: the API server is never open to the whole internet."
  }

  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : can(cidrnetmask(cidr)) ? tonumber(split("/", cidr)[1]) >= 8 : false])
    error_message = "admin_cidrs entries must be IPv4 CIDRs with a prefix of /8 or longer, like 198.51.100.0/24."
  }
}
