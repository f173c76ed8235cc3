locals {
  github_issuer_host = "token.actions.githubusercontent.com"
  oidc_provider_arn  = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn
}

# Which workflow runs may assume the role: pure logic, tested without a provider.
module "subjects" {
  source = "../github-subjects"

  repository   = var.github_repository
  environments = var.github_environments
  branches     = var.github_branches
}

# AWS trusts GitHub's issuer through its own CA library, so no thumbprint has to be pinned here.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_issuer_host}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "GitHubActionsOfThisRepository"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = module.subjects.condition_test
      variable = "token.actions.githubusercontent.com:sub"
      values   = module.subjects.subjects
    }
  }
}

resource "aws_iam_role" "deploy" {
  name_prefix          = "${var.name_prefix}-deploy-"
  description          = "Assumed by GitHub Actions of ${var.github_repository} to push images and deploy"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_hours * 3600
}

data "aws_iam_policy_document" "deploy" {
  # GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # Exactly what the actions send (infra/test/deploy-role.test.ts reads their sources): docker's push and
  # pull, build-push's DescribeRepositories (immutable tags?) and BatchGetImage (what a tag holds), and
  # trivy-scan's DescribeImageScanFindings. No CreateRepository: Terraform owns the repository, and a
  # copy made by the pipeline would lack its KMS key and lifecycle policy and block the next apply.
  statement {
    sid = "EcrPushToThisRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImageScanFindings",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  # Describe calls have no resource-level permissions either.
  statement {
    sid       = "FindClusterNodes"
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }

  # The runner opens SSH for its own address and closes it again, on the cluster's group only.
  statement {
    sid     = "RunnerSshOnClusterSecurityGroup"
    actions = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
    # Scoped by resource: IAM matches the security group's ARN, so no other group can be opened.
    resources = [var.security_group_arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
