variable "repository" {
  description = "GitHub repository allowed to assume the deploy role, as OWNER/REPO (no wildcards)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be OWNER/REPO with letters, digits, '.', '_' or '-' only; wildcards are not allowed."
  }
}

variable "environments" {
  description = "GitHub environments whose jobs may assume the role (the token subject repo:OWNER/REPO:environment:NAME)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.environments : can(regex("^[A-Za-z0-9_.-]+$", name))])
    error_message = "environments entries must be plain environment names without wildcards or ':'."
  }
}

variable "branches" {
  description = "Branches whose jobs (without an environment) may assume the role; a trailing '/*' allows a branch family like release/*."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.branches : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*(/\\*)?$", name))])
    error_message = "branches entries must be branch names like main or release/*; '*' is only allowed as the last path segment after a '/'."
  }
}
