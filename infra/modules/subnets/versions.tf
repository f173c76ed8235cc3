# Pure logic: no provider, so `terraform test` runs here without downloading anything.
terraform {
  required_version = ">= 1.11.0, < 2.0.0"
}
