# Creates the bucket that holds every other state, so its own state stays local: keep
# terraform.tfstate of this folder safe (it holds no secrets) or import the bucket again.
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
  }
}
