# The API keys' containers. Values are set outside Terraform (so they never reach state):
#   aws secretsmanager put-secret-value --secret-id defi-lakehouse/<env>/SUBGRAPH_API_KEY --secret-string ...
resource "aws_secretsmanager_secret" "api_key" {
  for_each = toset(["SUBGRAPH_API_KEY", "TRANSPOSE_API_KEY"])

  name                    = "defi-lakehouse/${var.env}/${each.key}"
  description             = "${each.key} for the defi-lakehouse jobs (${var.env}); reaches the driver as an env var via EMR.secret@"
  recovery_window_in_days = 7
}
