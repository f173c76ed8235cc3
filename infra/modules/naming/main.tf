locals {
  name_prefix = "${var.project}-${var.environment}"

  mandatory_tags = {
    Project     = var.project
    Environment = var.environment
    Owner       = var.owner
    CostCenter  = var.cost_center
    Repository  = var.repository
    ManagedBy   = "terraform"
  }

  # Mandatory tags come last so that extra_tags can never hide who pays for a resource.
  tags = merge(var.extra_tags, local.mandatory_tags)
}
