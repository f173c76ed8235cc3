variable "region" {
  description = "AWS region of the state bucket, like eu-central-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name like eu-central-1."
  }
}

variable "aws_account_id" {
  description = "The only AWS account this configuration may touch."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be the 12-digit account number."
  }
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket for Terraform state, like k8s-ship-tfstate-123456789012."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !strcontains(var.state_bucket_name, "..")
    error_message = "state_bucket_name must be 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit."
  }
}

variable "project" {
  description = "Short project name (Project tag)."
  type        = string
  default     = "k8s-ship"
}

variable "owner" {
  description = "Team or person accountable for the state bucket (Owner cost tag)."
  type        = string
}

variable "cost_center" {
  description = "Cost centre that pays for the state bucket (CostCenter cost tag)."
  type        = string
}

variable "repository" {
  description = "Repository that manages this infrastructure, as OWNER/REPO (Repository tag)."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days to keep superseded state versions, the window for recovering a broken state."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 7 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of at least 7."
  }
}
