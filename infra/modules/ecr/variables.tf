variable "repository_name" {
  description = "Name of the ECR repository, like k8s-ship/metrics-api."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.repository_name)) && length(var.repository_name) <= 256
    error_message = "repository_name must be lowercase path segments of letters and digits separated by '.', '_', '-' or '/', like k8s-ship/metrics-api."
  }
}

variable "keep_tagged_images" {
  description = "How many of the most recent tagged images to keep; older ones expire."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 5 && var.keep_tagged_images <= 1000 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a whole number from 5 to 1000 (enough to roll back)."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire: leftovers of interrupted pushes, and images pushed by digest whose scan failed the gate (they never get a tag)."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && var.untagged_expiry_days <= 365 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number from 1 to 365."
  }
}
