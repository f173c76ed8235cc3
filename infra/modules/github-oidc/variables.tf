variable "name_prefix" {
  description = "Prefix for the deploy role's name, like k8s-ship-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "github_repository" {
  description = "GitHub repository whose workflows may assume the deploy role, as OWNER/REPO."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO without wildcards."
  }
}

variable "github_environments" {
  description = "GitHub environments whose deployment jobs may assume the deploy role."
  type        = list(string)
  default     = []
}

variable "github_branches" {
  description = "Branches whose jobs may assume the deploy role (a trailing /* allows a branch family)."
  type        = list(string)
  default     = []
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; set false when the account already has one (there can be only one per URL)."
  type        = bool
  default     = true
}

variable "existing_oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider, used when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition     = var.existing_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.existing_oidc_provider_arn))
    error_message = "existing_oidc_provider_arn must be the ARN of an IAM OIDC provider for token.actions.githubusercontent.com."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the one ECR repository the pipeline pushes to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN."
  }
}

variable "security_group_arn" {
  description = "ARN of the cluster's security group, the only one the pipeline may open SSH on."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ec2:[a-z0-9-]+:[0-9]{12}:security-group/sg-[0-9a-f]+$", var.security_group_arn))
    error_message = "security_group_arn must be an EC2 security group ARN."
  }
}

variable "max_session_hours" {
  description = "Longest session the deploy role grants, in hours."
  type        = number
  default     = 1

  validation {
    condition     = var.max_session_hours >= 1 && var.max_session_hours <= 4 && floor(var.max_session_hours) == var.max_session_hours
    error_message = "max_session_hours must be a whole number from 1 to 4: a deploy job needs no more."
  }
}
