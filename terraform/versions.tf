terraform {
  # 1.5: check blocks and the import block; nothing here needs a newer release.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
