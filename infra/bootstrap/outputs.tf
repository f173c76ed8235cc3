output "state_bucket" {
  description = "Name of the state bucket, for envs/ENV.s3.tfbackend."
  value       = aws_s3_bucket.state.bucket
}

output "state_bucket_arn" {
  description = "ARN of the state bucket, for IAM policies of whoever runs terraform."
  value       = aws_s3_bucket.state.arn
}
