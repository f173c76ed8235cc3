variable "project" {
  description = "Short project name, used as the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.project))
    error_message = "project must be 3-22 characters of lowercase letters, digits and hyphens, starting with a letter (for example \"k8s-ship\")."
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
  description = "Team or person accountable for the resources (the Owner cost tag)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must not be empty: it is the Owner cost tag."
  }
}

variable "cost_center" {
  description = "Cost centre that pays for the resources (the CostCenter cost tag)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,64}$", var.cost_center))
    error_message = "cost_center must be 1-64 characters usable in an AWS tag value (letters, digits and _ . : / = + @ -)."
  }
}

variable "repository" {
  description = "Source repository that manages these resources, as OWNER/REPO (the Repository tag)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must look like OWNER/REPO."
  }
}

variable "extra_tags" {
  description = "Additional tags; they cannot override the mandatory cost tags."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_tags) : !startswith(lower(k), "aws:")])
    error_message = "extra_tags keys must not start with \"aws:\" (reserved by AWS)."
  }
}
