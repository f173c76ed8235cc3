variable "name_prefix" {
  description = "Prefix for resource names, like k8s-ship-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the nodes run in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  description = "Public subnet IDs in zone order; the control plane takes the first, workers are spread over all."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must hold at least one subnet ID."
  }
}

variable "allowed_ssh_cidrs" {
  description = "IPv4 CIDRs allowed to reach SSH (22/tcp) on the nodes. Never the whole internet."
  type        = list(string)

  validation {
    condition     = length(var.allowed_ssh_cidrs) > 0 && alltrue([for cidr in var.allowed_ssh_cidrs : !contains(["0.0.0.0/0", "::/0"], cidr) && (can(cidrnetmask(cidr)) ? tonumber(split("/", cidr)[1]) >= 8 : false)])
    error_message = "allowed_ssh_cidrs must be a non-empty list of IPv4 CIDRs with a prefix of /8 or longer; 0.0.0.0/0 and ::/0 are refused."
  }
}

variable "admin_cidrs" {
  description = "IPv4 CIDRs allowed to reach the Kubernetes API server (6443/tcp). Never the whole internet."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.admin_cidrs : !contains(["0.0.0.0/0", "::/0"], cidr) && (can(cidrnetmask(cidr)) ? tonumber(split("/", cidr)[1]) >= 8 : false)])
    error_message = "admin_cidrs must be IPv4 CIDRs with a prefix of /8 or longer; 0.0.0.0/0 and ::/0 are refused."
  }
}

variable "worker_count" {
  description = "Number of worker nodes besides the control plane."
  type        = number

  validation {
    condition     = var.worker_count >= 0 && var.worker_count <= 20 && floor(var.worker_count) == var.worker_count
    error_message = "worker_count must be a whole number from 0 to 20."
  }
}

variable "control_plane_instance_type" {
  description = "EC2 instance type of the control-plane node (2 vCPU and 2 GiB at least for Kubernetes)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.control_plane_instance_type))
    error_message = "control_plane_instance_type must be an EC2 instance type like t3.medium."
  }
}

variable "worker_instance_type" {
  description = "EC2 instance type of the worker nodes."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.worker_instance_type))
    error_message = "worker_instance_type must be an EC2 instance type like t3.medium."
  }
}

variable "architecture" {
  description = "CPU architecture of the Ubuntu image: amd64, or arm64 for Graviton instance types."
  type        = string
  default     = "amd64"

  validation {
    condition     = contains(["amd64", "arm64"], var.architecture)
    error_message = "architecture must be amd64 or arm64 and match the instance types."
  }
}

variable "root_volume_size_gb" {
  description = "Size of each node's encrypted gp3 root volume in GiB."
  type        = number
  default     = 30

  validation {
    condition     = var.root_volume_size_gb >= 20 && var.root_volume_size_gb <= 500
    error_message = "root_volume_size_gb must be between 20 and 500."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key (ed25519 or RSA) installed for the default ubuntu user; the private half stays with the operators."
  type        = string

  validation {
    condition     = can(regex("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+( .*)?$", trimspace(var.ssh_public_key)))
    error_message = "ssh_public_key must be one OpenSSH public key line, like \"ssh-ed25519 AAAA... user@host\"."
  }
}

variable "protect_control_plane" {
  description = "Refuse API termination of the control-plane node (turn off only to destroy the cluster)."
  type        = bool
  default     = true
}
