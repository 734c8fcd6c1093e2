data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # What the jobs may touch: their env's table prefixes (read/write), the jar (read), EMR logs (write).
  table_object_arns    = [for layer in local.layers : "${local.bucket_arn}/${layer}/*"]
  glue_database_arns   = [for db in aws_glue_catalog_database.layer : "arn:aws:glue:${var.region}:${local.account_id}:database/${db.name}"]
  glue_table_arns      = [for db in aws_glue_catalog_database.layer : "arn:aws:glue:${var.region}:${local.account_id}:table/${db.name}/*"]
  job_list_prefixes    = concat(flatten([for layer in local.layers : [layer, "${layer}/*"]]), ["artifacts/*", "logs/emr/*"])
  emr_application_arns = [aws_emrserverless_application.spark.arn, "${aws_emrserverless_application.spark.arn}/jobruns/*"]

  job_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ListOwnPrefixes"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [local.bucket_arn]
        Condition = { StringLike = { "s3:prefix" = local.job_list_prefixes } }
      },
      {
        Sid      = "ReadWriteTables"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = local.table_object_arns
      },
      {
        Sid      = "ReadJobJar"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${local.bucket_arn}/artifacts/*"]
      },
      {
        Sid      = "WriteJobLogs"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${local.bucket_arn}/logs/emr/*"]
      },
      {
        # Spark's Glue client also looks up the catalog and the `default` database. CREATE DATABASE
        # IF NOT EXISTS calls CreateDatabase and expects AlreadyExists: allowed for this env's names only.
        Sid    = "GlueTablesOfThisEnv"
        Effect = "Allow"
        Action = [
          "glue:GetDatabase", "glue:GetDatabases", "glue:CreateDatabase", "glue:GetTable", "glue:GetTables",
          "glue:CreateTable", "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions",
          "glue:BatchGetPartition", "glue:GetUserDefinedFunctions",
        ]
        Resource = concat(
          ["arn:aws:glue:${var.region}:${local.account_id}:catalog",
          "arn:aws:glue:${var.region}:${local.account_id}:database/default"],
          local.glue_database_arns,
          local.glue_table_arns,
        )
      },
      {
        # The commit table of the DynamoDB log store: read and claim entries, check the table exists.
        # No Scan, Delete or table changes: TTL removes old entries.
        Sid      = "OrderDeltaCommits"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        Resource = [aws_dynamodb_table.delta_log.arn]
      },
      {
        Sid      = "ApiKeysOfThisEnv"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [for s in aws_secretsmanager_secret.api_key : s.arn]
      },
    ]
  }

  airflow_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RunLakehouseJobs"
        Effect   = "Allow"
        Action   = ["emr-serverless:StartApplication", "emr-serverless:GetApplication", "emr-serverless:StartJobRun", "emr-serverless:GetJobRun", "emr-serverless:CancelJobRun", "emr-serverless:GetDashboardForJobRun"]
        Resource = local.emr_application_arns
      },
      {
        Sid       = "PassOnlyTheJobRole"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = [aws_iam_role.job.arn]
        Condition = { StringEquals = { "iam:PassedToService" = "emr-serverless.amazonaws.com" } }
      },
      {
        Sid       = "ListDags"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [local.bucket_arn]
        Condition = { StringLike = { "s3:prefix" = ["airflow", "airflow/*"] } }
      },
      {
        Sid      = "LocateDagBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation"]
        Resource = [local.bucket_arn]
      },
      {
        Sid      = "ReadDags"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = ["${local.bucket_arn}/airflow/*"]
      },
    ]
  }
}

# Execution role of the EMR Serverless jobs: this env's data, Glue databases, commit table and API keys only.
resource "aws_iam_role" "job" {
  name        = "${local.name_prefix}-job"
  description = "defi-lakehouse Spark jobs on EMR Serverless (${var.env})"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = aws_emrserverless_application.spark.arn }
      }
    }]
  })
}

resource "aws_iam_role_policy" "job" {
  name   = "lakehouse-${var.env}-data"
  role   = aws_iam_role.job.id
  policy = jsonencode(local.job_policy)
}

# Airflow's role: start and watch the jobs on this env's application, pass the job role, read DAGs.
resource "aws_iam_role" "airflow" {
  name        = "${local.name_prefix}-airflow"
  description = "Airflow (MWAA) orchestrating defi-lakehouse (${var.env})"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = var.airflow_trusted_services }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "airflow" {
  name   = "lakehouse-${var.env}-orchestration"
  role   = aws_iam_role.airflow.id
  policy = jsonencode(local.airflow_policy)
}
