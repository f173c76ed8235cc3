variable "region" {
  description = "AWS region to deploy into, like eu-central-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name like eu-central-1."
  }
}

variable "aws_account_id" {
  description = "The only AWS account this configuration may touch (guards against applying with the wrong credentials)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be the 12-digit account number."
  }
}

variable "project" {
  description = "Short project name, the first part of every resource name and the Project tag."
  type        = string
  default     = "k8s-ship"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.project))
    error_message = "project must be 3-22 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment: dev, stage or prod."
  type        = string

  validation {
    condition     = contains(["dev", "stage", "prod"], var.environment)
    error_message = "environment must be one of dev, stage, prod."
  }
}

variable "owner" {
  description = "Team or person accountable for the resources (Owner cost tag)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must not be empty: it is the Owner cost tag."
  }
}

variable "cost_center" {
  description = "Cost centre that pays for the resources (CostCenter cost tag)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,64}$", var.cost_center))
    error_message = "cost_center must be 1-64 characters usable in an AWS tag value."
  }
}

variable "extra_tags" {
  description = "Additional tags for every resource; they cannot override the cost tags."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, inside an RFC 1918 range, /16 to /24."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR like 10.40.0.0/16."
  }
}

variable "allowed_ssh_cidrs" {
  description = "IPv4 CIDRs allowed to reach SSH on the nodes (operators, VPN, CI egress). Required; never 0.0.0.0/0 or ::/0."
  type        = list(string)

  validation {
    condition     = length(var.allowed_ssh_cidrs) > 0 && alltrue([for cidr in var.allowed_ssh_cidrs : !contains(["0.0.0.0/0", "::/0"], trimspace(cidr))])
    error_message = "allowed_ssh_cidrs must list at least one CIDR and must not contain 0.0.0.0/0 or ::/0: SSH is never open to the whole internet."
  }
}

variable "admin_cidrs" {
  description = "IPv4 CIDRs allowed to reach the Kubernetes API server on 6443. Required (may be empty); never 0.0.0.0/0 or ::/0."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : !contains(["0.0.0.0/0", "::/0"], trimspace(cidr))])
    error_message = "admin_cidrs must not contain 0.0.0.0/0 or ::/0: the API server is never open to the whole internet."
  }
}

variable "worker_count" {
  description = "Number of worker nodes besides the control plane."
  type        = number
  default     = 2

  validation {
    condition     = var.worker_count >= 0 && var.worker_count <= 20 && floor(var.worker_count) == var.worker_count
    error_message = "worker_count must be a whole number from 0 to 20."
  }
}

variable "control_plane_instance_type" {
  description = "EC2 instance type of the control-plane node."
  type        = string
  default     = "t3.medium"
}

variable "worker_instance_type" {
  description = "EC2 instance type of the worker nodes."
  type        = string
  default     = "t3.medium"
}

variable "architecture" {
  description = "CPU architecture matching the instance types: amd64, or arm64 for Graviton."
  type        = string
  default     = "amd64"

  validation {
    condition     = contains(["amd64", "arm64"], var.architecture)
    error_message = "architecture must be amd64 or arm64."
  }
}

variable "root_volume_size_gb" {
  description = "Size of each node's encrypted gp3 root volume in GiB."
  type        = number
  default     = 30
}

variable "ssh_public_key" {
  description = "OpenSSH public key for the nodes' ubuntu user; the private key stays with operators and the pipeline's secret store."
  type        = string
}

variable "ecr_repository_name" {
  description = "Name of the ECR repository for the service image."
  type        = string
  default     = "k8s-ship/metrics-api"
}

variable "github_repository" {
  description = "GitHub repository (OWNER/REPO) whose workflows may assume the deploy role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO without wildcards."
  }
}

variable "github_environments" {
  description = "GitHub environments whose jobs may assume the deploy role (token subject repo:OWNER/REPO:environment:NAME)."
  type        = list(string)
  default     = []
}

variable "github_branches" {
  description = "Branches whose jobs may assume the deploy role (token subject repo:OWNER/REPO:ref:refs/heads/NAME)."
  type        = list(string)
  default     = []
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false when another stack (or environment) already made it."
  type        = bool
  default     = true
}

variable "existing_github_oidc_provider_arn" {
  description = "ARN of the existing GitHub OIDC provider when create_github_oidc_provider is false."
  type        = string
  default     = null
}
