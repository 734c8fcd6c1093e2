env                                   = "prod"
region                                = "us-east-1"
noncurrent_version_retention_days     = 90
athena_bytes_scanned_cutoff_per_query = 107374182400 # 100 GiB
emr_maximum_capacity                  = { cpu = "200 vCPU", memory = "800 GB" }
