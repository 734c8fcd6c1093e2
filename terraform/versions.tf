terraform {
  # mock_provider needs 1.7; the S3 backend's use_lockfile needs 1.10.
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 6.0.0"
    }
  }

  # State per env: terraform init -backend-config=env/<env>.s3.tfbackend
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "defi-lakehouse"
      environment = var.env
      managed-by  = "terraform"
    }
  }
}
