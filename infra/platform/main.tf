module "naming" {
  source = "../modules/naming"

  project     = var.project
  environment = var.environment
  owner       = var.owner
  cost_center = var.cost_center
  repository  = var.github_repository
  extra_tags  = var.extra_tags
}

module "subnets" {
  source = "../modules/subnets"

  vpc_cidr   = var.vpc_cidr
  zone_count = 2
}

module "access" {
  source = "../modules/access"

  allowed_ssh_cidrs = var.allowed_ssh_cidrs
  admin_cidrs       = var.admin_cidrs
}

module "network" {
  source = "../modules/network"

  name_prefix         = module.naming.name_prefix
  vpc_cidr            = var.vpc_cidr
  public_subnet_cidrs = module.subnets.public_cidrs
}

module "cluster" {
  source = "../modules/cluster"

  name_prefix                 = module.naming.name_prefix
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.public_subnet_ids
  allowed_ssh_cidrs           = module.access.ssh_cidrs
  admin_cidrs                 = module.access.admin_cidrs
  worker_count                = var.worker_count
  control_plane_instance_type = var.control_plane_instance_type
  worker_instance_type        = var.worker_instance_type
  architecture                = var.architecture
  root_volume_size_gb         = var.root_volume_size_gb
  ssh_public_key              = var.ssh_public_key
  protect_control_plane       = var.environment == "prod"
}

module "ecr" {
  source = "../modules/ecr"

  repository_name = var.ecr_repository_name
}

module "github_oidc" {
  source = "../modules/github-oidc"

  name_prefix                = module.naming.name_prefix
  github_repository          = var.github_repository
  github_environments        = var.github_environments
  github_branches            = var.github_branches
  create_oidc_provider       = var.create_github_oidc_provider
  existing_oidc_provider_arn = var.existing_github_oidc_provider_arn
  ecr_repository_arn         = module.ecr.repository_arn
  security_group_arn         = module.cluster.security_group_arn
}
