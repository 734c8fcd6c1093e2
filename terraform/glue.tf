resource "aws_glue_catalog_database" "layer" {
  for_each = toset(local.layers)

  name        = "db_${each.key}_${var.env}"
  description = "defi-lakehouse ${each.key} tables (${var.env}), Delta at s3://${local.bucket_name}/${each.key}/"
}

# Every catalog table, registered for Athena's native Delta reader: location plus
# table_type=DELTA, no columns (Athena reads the schema from the Delta log).
resource "aws_glue_catalog_table" "delta" {
  for_each = local.catalog_tables

  name          = each.value.name
  database_name = "db_${each.value.layer}_${var.env}"
  table_type    = "EXTERNAL_TABLE"
  description   = lookup(each.value, "description", null)

  parameters = {
    EXTERNAL   = "TRUE"
    table_type = "DELTA"
  }

  storage_descriptor {
    location = "s3://${local.bucket_name}/${each.value.layer}/${each.value.name}/"
  }

  lifecycle {
    precondition {
      condition     = contains(local.layers, each.value.layer)
      error_message = "Catalog table ${each.key} is in layer '${each.value.layer}', which has no Glue database: add the layer to local.layers in terraform/catalog.tf."
    }
  }

  depends_on = [aws_glue_catalog_database.layer]
}
