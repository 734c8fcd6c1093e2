output "bucket" {
  description = "The lakehouse bucket."
  value       = aws_s3_bucket.lakehouse.id
}

output "glue_databases" {
  description = "layer => Glue database."
  value       = { for layer, db in aws_glue_catalog_database.layer : layer => db.name }
}

output "glue_tables" {
  description = "Catalog table ids registered in Glue."
  value       = sort(keys(aws_glue_catalog_table.delta))
}

output "athena_workgroup" {
  value = aws_athena_workgroup.analysts.name
}

output "emr_application_id" {
  value = aws_emrserverless_application.spark.id
}

output "delta_log_table" {
  description = "The DynamoDB table ordering Delta commits on S3 (the jobs' --env selects the same name)."
  value       = aws_dynamodb_table.delta_log.name
}

output "job_role_arn" {
  value = aws_iam_role.job.arn
}

output "airflow_role_arn" {
  value = aws_iam_role.airflow.arn
}

output "secret_ids" {
  description = "Secrets Manager ids of the API keys (put their values outside Terraform)."
  value       = { for k, s in aws_secretsmanager_secret.api_key : k => s.name }
}

output "dags_s3_uri" {
  value = "s3://${aws_s3_bucket.lakehouse.id}/${local.dag_prefix}/"
}

output "jar_s3_prefix" {
  description = "Upload jobs/target/lakehouse-jobs-<version>-spark.jar here."
  value       = "s3://${aws_s3_bucket.lakehouse.id}/artifacts/jars/"
}

# The Airflow Variable `defi_lakehouse` for EMR Serverless mode:
#   airflow variables set defi_lakehouse "$(terraform output -raw airflow_variable)"
output "airflow_variable" {
  description = "JSON value of the Airflow Variable defi_lakehouse (EMR Serverless mode)."
  value = jsonencode({
    mode                   = "emr_serverless"
    env                    = var.env
    jar_location           = "s3://${aws_s3_bucket.lakehouse.id}/artifacts/jars/"
    emr_application_id     = aws_emrserverless_application.spark.id
    emr_execution_role_arn = aws_iam_role.job.arn
    emr_log_uri            = "s3://${aws_s3_bucket.lakehouse.id}/logs/emr/"
    subgraph_secret_id     = aws_secretsmanager_secret.api_key["SUBGRAPH_API_KEY"].name
    transpose_secret_id    = aws_secretsmanager_secret.api_key["TRANSPOSE_API_KEY"].name
    # the region of the commit table; the job derives the table's name from --env
    spark_conf = { "spark.io.delta.storage.S3DynamoDBLogStore.ddb.region" = var.region }
  })
}
