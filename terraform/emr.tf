resource "aws_emrserverless_application" "spark" {
  name          = local.name_prefix
  release_label = var.emr_release_label
  type          = "spark"

  auto_start_configuration {
    enabled = true
  }

  auto_stop_configuration {
    enabled              = true
    idle_timeout_minutes = var.emr_idle_timeout_minutes
  }

  maximum_capacity {
    cpu    = var.emr_maximum_capacity.cpu
    memory = var.emr_maximum_capacity.memory
  }
}
