# The table that orders Delta commits on S3 (docs/s3.md): with it, two drivers writing one table (an
# Airflow retry beside a run still being cancelled, a manual backfill beside the DAG) cannot lose a
# commit. Schema, TTL attribute and on-demand billing as Delta's "Multi-cluster setup" for S3
# describes (delta-io/delta docs/source/delta-storage.md): key tablePath (HASH) + fileName (RANGE),
# completed entries expire through TTL on expireTime a day after the commit. The jobs derive the name
# from --env (LogStoreSettings.tableName): keep them equal.
resource "aws_dynamodb_table" "delta_log" {
  name         = local.delta_log_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tablePath"
  range_key    = "fileName"

  attribute {
    name = "tablePath"
    type = "S"
  }

  attribute {
    name = "fileName"
    type = "S"
  }

  ttl {
    attribute_name = "expireTime"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }
}
