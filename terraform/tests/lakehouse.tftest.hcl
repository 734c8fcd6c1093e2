# terraform test: plans/applies against a mocked AWS provider (no credentials, no network) and
# asserts the security properties and the catalog coverage of the configuration.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  env = "dev"
}

run "bucket_is_encrypted_private_tls_only_and_versioned" {
  command = plan

  assert {
    condition     = aws_s3_bucket.lakehouse.bucket == "data-lakehouse-dev"
    error_message = "the bucket must be data-lakehouse-<env>"
  }
  assert {
    condition     = contains(["AES256", "aws:kms", "aws:kms:dsse"], one(one(aws_s3_bucket_server_side_encryption_configuration.lakehouse.rule).apply_server_side_encryption_by_default).sse_algorithm)
    error_message = "default server-side encryption must be on"
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.lakehouse.block_public_acls,
      aws_s3_bucket_public_access_block.lakehouse.block_public_policy,
      aws_s3_bucket_public_access_block.lakehouse.ignore_public_acls,
      aws_s3_bucket_public_access_block.lakehouse.restrict_public_buckets,
    ])
    error_message = "all four public access blocks must be on"
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.lakehouse.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*"
      && s.Condition.Bool["aws:SecureTransport"] == "false"
      && toset(s.Resource) == toset(["arn:aws:s3:::data-lakehouse-dev", "arn:aws:s3:::data-lakehouse-dev/*"])
    ])
    error_message = "the bucket policy must deny every non-TLS request to the bucket and its objects"
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.lakehouse.versioning_configuration).status == "Enabled"
    error_message = "versioning must be enabled"
  }
  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.lakehouse.rule :
      r.status == "Enabled" && length(r.noncurrent_version_expiration) == 1
    ])
    error_message = "old noncurrent versions must expire"
  }
}

run "job_role_reaches_only_its_env" {
  # apply: the policies name ARNs that exist only after apply (mocked here)
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.job.policy).Statement : [
        for r in s.Resource : r == "arn:aws:s3:::data-lakehouse-dev" || startswith(r, "arn:aws:s3:::data-lakehouse-dev/")
      ] if anytrue([for a in s.Action : startswith(a, "s3:")])
    ]))
    error_message = "every S3 resource of the job role must be in data-lakehouse-dev"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.job.policy, "data-lakehouse-prod") && !strcontains(aws_iam_role_policy.job.policy, "_prod")
    error_message = "the dev job role must not name a prod bucket or database"
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.job.policy).Statement : [for r in s.Resource : r != "*" && !startswith(r, "arn:aws:s3:::*")]
    ]))
    error_message = "the job role must not use wildcard resources"
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.job.policy).Statement : [
        for r in s.Resource : endswith(r, ":catalog") || endswith(r, ":database/default") || strcontains(r, "_dev")
      ] if anytrue([for a in s.Action : startswith(a, "glue:")])
    ]))
    error_message = "the job role's Glue access must be limited to the dev databases"
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s.Resource if contains(s.Action, "secretsmanager:GetSecretValue")
    ])) == toset([for s in aws_secretsmanager_secret.api_key : s.arn])
    error_message = "the job role may read exactly its env's two API key secrets"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.airflow.policy).Statement :
      s.Resource == [aws_iam_role.job.arn] if contains(s.Action, "iam:PassRole")
    ])
    error_message = "the Airflow role may pass the job role and no other"
  }
  assert {
    condition     = toset([for s in aws_secretsmanager_secret.api_key : s.name]) == toset(["defi-lakehouse/dev/SUBGRAPH_API_KEY", "defi-lakehouse/dev/TRANSPOSE_API_KEY"])
    error_message = "the two API key secrets must exist per env"
  }
  assert {
    condition     = jsondecode(output.airflow_variable).emr_execution_role_arn == aws_iam_role.job.arn && jsondecode(output.airflow_variable).mode == "emr_serverless"
    error_message = "the Airflow Variable output must hand the DAG the job role and mode"
  }
}

run "delta_commit_table_is_on_demand_with_ttl_and_only_the_job_role_uses_it" {
  # apply: the policy names the table's ARN, known only after apply (mocked here)
  assert {
    condition     = aws_dynamodb_table.delta_log.name == "defi-lakehouse-dev-delta-log" && output.delta_log_table == "defi-lakehouse-dev-delta-log"
    error_message = "the commit table must be defi-lakehouse-<env>-delta-log, the name the jobs derive from --env"
  }
  assert {
    condition = (aws_dynamodb_table.delta_log.hash_key == "tablePath" && aws_dynamodb_table.delta_log.range_key == "fileName"
    && toset([for a in aws_dynamodb_table.delta_log.attribute : "${a.name}:${a.type}"]) == toset(["tablePath:S", "fileName:S"]))
    error_message = "the commit table's key must be tablePath (HASH, S) + fileName (RANGE, S), as Delta's DynamoDB log store uses"
  }
  assert {
    condition     = aws_dynamodb_table.delta_log.billing_mode == "PAY_PER_REQUEST"
    error_message = "the commit table must bill on demand"
  }
  assert {
    condition     = one(aws_dynamodb_table.delta_log.ttl).enabled && one(aws_dynamodb_table.delta_log.ttl).attribute_name == "expireTime"
    error_message = "completed commit entries must expire through TTL on expireTime"
  }
  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.job.policy).Statement : {
        actions = toset(s.Action), resources = s.Resource
      } if anytrue([for a in s.Action : startswith(a, "dynamodb:")])
      ] == [{
        actions   = toset(["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"])
        resources = [aws_dynamodb_table.delta_log.arn]
    }]
    error_message = "the job role may describe, read, query and put items of the commit table, nothing else in DynamoDB"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.airflow.policy, "dynamodb")
    error_message = "the Airflow role must not reach DynamoDB"
  }
}

run "every_catalog_table_has_a_glue_delta_table" {
  command = plan

  assert {
    condition     = toset(keys(aws_glue_catalog_database.layer)) == toset(["raw", "stage", "analytics"]) && aws_glue_catalog_database.layer["raw"].name == "db_raw_dev"
    error_message = "Glue databases must be db_raw_<env>, db_stage_<env>, db_analytics_<env>"
  }
  assert {
    condition = alltrue([
      for t in jsondecode(file("../common/src/main/resources/table-catalog/catalog.json")).tables :
      contains(keys(aws_glue_catalog_table.delta), "${t.layer}.${t.name}")
    ])
    error_message = "a catalog table has no Glue table"
  }
  assert {
    condition = alltrue([
      for id, t in aws_glue_catalog_table.delta :
      t.table_type == "EXTERNAL_TABLE" && t.parameters.table_type == "DELTA"
      && t.database_name == "db_${split(".", id)[0]}_dev"
      && one(t.storage_descriptor).location == "s3://data-lakehouse-dev/${split(".", id)[0]}/${t.name}/"
    ])
    error_message = "every Glue table must be an external DELTA table at s3://data-lakehouse-<env>/<layer>/<table>/"
  }
}

run "athena_workgroup_is_engine_v3_encrypted_and_limited" {
  command = plan

  assert {
    condition     = one(one(aws_athena_workgroup.analysts.configuration).engine_version).selected_engine_version == "Athena engine version 3"
    error_message = "the workgroup must be pinned to Athena engine version 3"
  }
  assert {
    condition     = one(aws_athena_workgroup.analysts.configuration).bytes_scanned_cutoff_per_query == 10737418240 && one(aws_athena_workgroup.analysts.configuration).enforce_workgroup_configuration
    error_message = "the workgroup must enforce a per-query scan limit"
  }
  assert {
    condition     = one(one(one(aws_athena_workgroup.analysts.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_S3"
    error_message = "query results must be encrypted"
  }
}

run "emr_serverless_application_matches_the_jar" {
  command = plan

  assert {
    condition     = aws_emrserverless_application.spark.release_label == "emr-spark-8.0.0" && aws_emrserverless_application.spark.type == "spark"
    error_message = "the application must run emr-spark-8.0.0 (Spark 4.0.2, Delta 4.0.0)"
  }
  assert {
    condition     = one(aws_emrserverless_application.spark.auto_stop_configuration).enabled
    error_message = "the application must stop when idle"
  }
}

run "prod_uses_its_own_bucket_and_databases" {
  variables {
    env = "prod"
  }
  assert {
    condition     = aws_s3_bucket.lakehouse.bucket == "data-lakehouse-prod" && aws_glue_catalog_database.layer["analytics"].name == "db_analytics_prod"
    error_message = "prod must use data-lakehouse-prod and db_*_prod"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.job.policy, "data-lakehouse-dev") && !strcontains(aws_iam_role_policy.job.policy, "_dev")
    error_message = "the prod job role must not name a dev bucket or database"
  }
  assert {
    condition     = aws_dynamodb_table.delta_log.name == "defi-lakehouse-prod-delta-log"
    error_message = "prod must have its own commit table"
  }
}

# Modified copies of the real catalog.

run "a_table_added_to_the_catalog_gets_a_glue_table" {
  command = plan

  variables {
    catalog_json = jsonencode(merge(jsondecode(file("../common/src/main/resources/table-catalog/catalog.json")), {
      tables = concat(jsondecode(file("../common/src/main/resources/table-catalog/catalog.json")).tables, [
        { layer = "analytics", name = "wallet_scores", partition_by = ["as_of_date"], keys = ["wallet_address", "as_of_date"] },
      ])
    }))
  }
  assert {
    condition     = aws_glue_catalog_table.delta["analytics.wallet_scores"].parameters.table_type == "DELTA"
    error_message = "a new catalog table must be registered without editing Terraform"
  }
}

run "a_table_in_a_layer_without_a_glue_database_fails" {
  command = plan
  variables {
    catalog_json = jsonencode(merge(jsondecode(file("../common/src/main/resources/table-catalog/catalog.json")), {
      tables = concat(jsondecode(file("../common/src/main/resources/table-catalog/catalog.json")).tables, [
        { layer = "features", name = "wallet_scores", partition_by = [], keys = ["wallet_address"] },
      ])
    }))
  }
  expect_failures = [aws_glue_catalog_table.delta]
}
