region         = "eu-central-1"
aws_account_id = "123456789012"
environment    = "prod"
owner          = "platform-team"
cost_center    = "cc-1234"

# Documentation ranges (RFC 5737): replace with your office, VPN and CI egress ranges.
allowed_ssh_cidrs = ["198.51.100.0/24"]
admin_cidrs       = ["198.51.100.0/24"]

vpc_cidr                    = "10.50.0.0/16"
worker_count                = 3
control_plane_instance_type = "t3.large"
worker_instance_type        = "t3.large"
ssh_public_key              = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnPublicKeyReplaceMe operators@k8s-ship"

# The dev stack created the account's GitHub OIDC provider; prod reuses it.
create_github_oidc_provider       = false
existing_github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

ecr_repository_name = "k8s-ship/metrics-api-prod"
github_repository   = "example-org/k8s-ship"
github_environments = ["prod"]
