"""Helpers of the defi_lakehouse DAG: catalog, run-time settings, the job operator, callbacks."""
