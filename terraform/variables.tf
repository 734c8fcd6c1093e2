variable "env" {
  description = "Deployment environment; selects bucket data-lakehouse-<env> and databases db_<layer>_<env>."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be dev or prod (local runs need no AWS)."
  }
}

variable "region" {
  description = "AWS region of every resource."
  type        = string
  default     = "us-east-1"
}

variable "catalog_path" {
  description = "Path of catalog.json; null means the Java resource in this repository."
  type        = string
  default     = null
}

variable "catalog_json" {
  description = "The catalog as a JSON string, overriding catalog_path (tests use a modified copy)."
  type        = string
  default     = null
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version is kept before S3 expires it."
  type        = number
  default     = 30
}

variable "athena_bytes_scanned_cutoff_per_query" {
  description = "Athena cancels a query of the workgroup once it has scanned this many bytes."
  type        = number
  default     = 10737418240 # 10 GiB

  validation {
    condition     = var.athena_bytes_scanned_cutoff_per_query >= 10485760
    error_message = "Athena's smallest per-query scan limit is 10 MB (10485760 bytes)."
  }
}

variable "emr_release_label" {
  description = "EMR Serverless release: Spark 4.0.2, Delta 4.0.0, Scala 2.13, JDK 17, as the job jar is built for."
  type        = string
  default     = "emr-spark-8.0.0"
}

variable "emr_idle_timeout_minutes" {
  description = "The EMR Serverless application stops after this many idle minutes."
  type        = number
  default     = 15
}

variable "emr_maximum_capacity" {
  description = "Upper bound of the application's workers, as EMR Serverless strings (e.g. \"64 vCPU\")."
  type = object({
    cpu    = string
    memory = string
  })
  default = {
    cpu    = "64 vCPU"
    memory = "256 GB"
  }
}

variable "airflow_trusted_services" {
  description = "Services that may assume the Airflow role (MWAA by default)."
  type        = list(string)
  default     = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
}

variable "deploy_dags" {
  description = "Upload airflow/dags and catalog.json to s3://data-lakehouse-<env>/airflow/dags/."
  type        = bool
  default     = true
}
