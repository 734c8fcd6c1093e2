# The one table/job catalog the Java jobs and the Airflow DAG read: every table in it gets a Glue
# table, so the lists cannot drift.
locals {
  catalog_file = coalesce(var.catalog_path, "${path.module}/../common/src/main/resources/table-catalog/catalog.json")
  catalog      = jsondecode(coalesce(var.catalog_json, file(local.catalog_file)))

  # Layers that hold Delta tables; each gets the Glue database db_<layer>_<env>.
  layers = ["raw", "stage", "analytics"]

  # "<layer>.<name>" => table, the id the catalog's jobs use.
  catalog_tables = { for t in local.catalog.tables : "${t.layer}.${t.name}" => t }

  bucket_name = "data-lakehouse-${var.env}"
  # The DynamoDB table ordering Delta commits; the jobs derive the same name from --env.
  delta_log_table_name = "defi-lakehouse-${var.env}-delta-log"
  bucket_arn           = "arn:aws:s3:::${local.bucket_name}"
  name_prefix          = "defi-lakehouse-${var.env}"
}
