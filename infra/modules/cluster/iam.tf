data "aws_partition" "current" {}

data "aws_iam_policy_document" "node_trust" {
  statement {
    sid     = "Ec2AssumesNodeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "${var.name_prefix}-node-"
  description        = "Kubernetes nodes of ${var.name_prefix}: pull from ECR, reachable by SSM"
  assume_role_policy = data.aws_iam_policy_document.node_trust.json
}

# Read-only pulls for the kubelet's ECR credential provider; SSM for break-glass access without SSH.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}"
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "${var.name_prefix}-node-"
  role        = aws_iam_role.node.name
}
