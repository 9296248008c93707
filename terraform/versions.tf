terraform {
  # 1.5: the oldest release whose features the stack uses (strcontains in variables.tf; the preconditions of
  # main.tf need 1.2). Its tests and CI run 1.11.4 only: 1.5 itself is not exercised.
  # Nothing here needs a newer one: a validation naming another variable would need 1.9, which is why
  # main.tf refuses combinations of switches with preconditions instead.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
