region         = "eu-central-1"
aws_account_id = "123456789012"
environment    = "dev"
owner          = "platform-team"
cost_center    = "cc-1234"

# Documentation ranges (RFC 5737): replace with your office, VPN and CI egress ranges.
allowed_ssh_cidrs = ["203.0.113.0/24"]
admin_cidrs       = ["203.0.113.0/24"]

vpc_cidr                    = "10.40.0.0/16"
worker_count                = 1
control_plane_instance_type = "t3.medium"
worker_instance_type        = "t3.medium"
ssh_public_key              = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnPublicKeyReplaceMe operators@k8s-ship"

ecr_repository_name = "k8s-ship/metrics-api"
github_repository   = "example-org/k8s-ship"
github_environments = ["dev"]
github_branches     = ["main"]
