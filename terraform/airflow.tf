# The DAGs are deployed from this bucket (point MWAA's source bucket at it, dag_s3_path
# airflow/dags). catalog.json goes next to the DAG file, where the DAG looks for it.
locals {
  dags_dir   = "${path.module}/../airflow/dags"
  dag_files  = var.deploy_dags ? setunion(fileset(local.dags_dir, "**/*.py"), fileset(local.dags_dir, ".airflowignore")) : []
  dag_prefix = "airflow/dags"
}

resource "aws_s3_object" "dag_file" {
  for_each = local.dag_files

  bucket = aws_s3_bucket.lakehouse.id
  key    = "${local.dag_prefix}/${each.value}"
  source = "${local.dags_dir}/${each.value}"
  etag   = filemd5("${local.dags_dir}/${each.value}")
}

resource "aws_s3_object" "dag_catalog" {
  count = var.deploy_dags ? 1 : 0

  bucket       = aws_s3_bucket.lakehouse.id
  key          = "${local.dag_prefix}/catalog.json"
  content      = jsonencode(local.catalog)
  content_type = "application/json"
}
