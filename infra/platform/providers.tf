# Credentials come from the environment (GitHub OIDC role or an operator's SSO session), never from here.
provider "aws" {
  region              = var.region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = module.naming.tags
  }
}
