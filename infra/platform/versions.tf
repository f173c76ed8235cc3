terraform {
  # 1.11 made S3-native state locking (use_lockfile) generally available; 2.0 may change the language.
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
  }

  # Partial configuration: bucket, key and region come from envs/ENV.s3.tfbackend.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
