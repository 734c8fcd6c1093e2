env                                   = "dev"
region                                = "us-east-1"
athena_bytes_scanned_cutoff_per_query = 10737418240 # 10 GiB
