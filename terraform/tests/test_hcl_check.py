"""Tests of the terraform-free check, on the real configuration and on modified copies.

Run from the repo root: python3 -m unittest discover -s terraform/tests -t terraform/tests
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcl_check  # noqa: E402


class HclCheckTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.work)
        self.tf = os.path.join(self.work, "terraform")
        shutil.copytree(hcl_check.TERRAFORM_DIR, self.tf,
                        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
        with open(hcl_check.CATALOG, encoding="utf-8") as handle:
            self.catalog = json.load(handle)

    def catalog_file(self, document):
        path = os.path.join(self.work, "catalog.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        return path

    def edit(self, file_name, old, new):
        path = os.path.join(self.tf, file_name)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        self.assertIn(old, text, "the test's edit no longer applies to %s" % file_name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text.replace(old, new, 1))

    def check(self, document=None):
        return hcl_check.check(self.tf, self.catalog_file(document or self.catalog))

    def test_the_repository_configuration_passes(self):
        self.assertEqual([], hcl_check.check())

    def test_a_table_added_in_a_known_layer_is_covered_by_the_for_each(self):
        self.catalog["tables"].append({"layer": "analytics", "name": "wallet_scores", "partition_by": [], "keys": []})
        self.assertEqual([], self.check())

    def test_a_table_in_a_layer_without_a_glue_database_fails(self):
        self.catalog["tables"].append({"layer": "features", "name": "wallet_scores", "partition_by": [], "keys": []})
        problems = self.check()
        self.assertEqual(1, len(problems), problems)
        self.assertIn("catalog table features.wallet_scores is in layer 'features', which has no Glue database",
                      problems[0])

    def test_glue_tables_not_generated_from_the_catalog_fail_per_missing_table(self):
        self.edit("glue.tf", "for_each = local.catalog_tables", "for_each = { quarantine = { layer = \"stage\", name = \"quarantine\" } }")
        problems = self.check()
        self.assertIn("aws_glue_catalog_table does not iterate over local.catalog_tables", problems)
        self.assertIn("catalog table analytics.wallet_features has no Glue table", problems)

    def test_a_filtered_catalog_fails(self):
        self.edit("catalog.tf", '=> t }', '=> t if t.layer != "raw" }')
        self.assertIn("local.catalog_tables filters the catalog (an `if` clause): every table needs a Glue table",
                      self.check())

    def test_a_glue_table_without_the_delta_parameter_fails(self):
        self.edit("glue.tf", 'table_type = "DELTA"', 'table_type = "PARQUET"')
        self.assertEqual(["aws_glue_catalog_table lacks parameter table_type = \"DELTA\" (Athena's Delta reader)"],
                         self.check())

    def test_a_commit_table_without_ttl_or_on_provisioned_capacity_fails(self):
        self.edit("dynamodb.tf", 'attribute_name = "expireTime"', 'attribute_name = "expires"')
        self.edit("dynamodb.tf", '"PAY_PER_REQUEST"', '"PROVISIONED"')
        self.assertEqual(['the commit table lacks billing_mode = "PAY_PER_REQUEST"',
                          'the commit table lacks ttl { attribute_name = "expireTime", enabled = true }'], self.check())

    def test_a_commit_table_keyed_otherwise_than_delta_expects_fails(self):
        self.edit("dynamodb.tf", 'range_key    = "fileName"', 'range_key    = "version"')
        self.assertEqual(['the commit table lacks range_key = "fileName"'], self.check())

    def test_a_commit_table_named_otherwise_than_the_jobs_name_it_fails(self):
        self.edit("catalog.tf", '"defi-lakehouse-${var.env}-delta-log"', '"delta_log"')
        self.assertEqual(["the commit table is named 'delta_log', but the jobs use 'defi-lakehouse-<env>-delta-log'"],
                         self.check())

    def test_wider_dynamodb_access_for_the_job_role_fails(self):
        self.edit("iam.tf", '"dynamodb:Query"]', '"dynamodb:Query", "dynamodb:DeleteItem"]')
        self.assertEqual(["the job role's DynamoDB actions are ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', "
                          "'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], not ['dynamodb:DescribeTable', "
                          "'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']"], self.check())
        self.edit("iam.tf", "Resource = [aws_dynamodb_table.delta_log.arn]", 'Resource = ["*"]')
        self.assertIn("the job role's DynamoDB statement must name only aws_dynamodb_table.delta_log.arn", self.check())

    def test_syntax_errors_name_file_and_line(self):
        cases = {
            "x = {\n  a = [1, 2}\n": ["t.tf:2: '}' closes '[' opened at line 2", "t.tf:1: unclosed '{'"],
            'x = "abc\ny = 1\n': ["t.tf:1: unterminated string"],
            'x = "${foo("a")}"\ny = <<EOT\n{ not code\nEOT\n# } comment\n': [],
            'x = "$${literal"\n/* { */\n': [],
            "y = <<-EOT\n  text\n": ["t.tf:1: heredoc EOT is never closed"],
            "}\n": ["t.tf:1: unexpected '}'"],
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(expected, hcl_check.syntax_problems(text, "t.tf"))

    def test_a_broken_file_in_the_configuration_fails_the_check(self):
        self.edit("s3.tf", 'sse_algorithm = "AES256"', 'sse_algorithm = "AES256')
        self.assertEqual(["s3.tf:%d: unterminated string" % self.line_of("s3.tf", "sse_algorithm")], self.check())

    def line_of(self, file_name, needle):
        with open(os.path.join(self.tf, file_name), encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if needle in line:
                    return number
        raise AssertionError(needle)


if __name__ == "__main__":
    unittest.main()
