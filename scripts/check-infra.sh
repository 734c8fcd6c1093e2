#!/usr/bin/env bash
# Checks of airflow/ and terraform/, run by `make test` after the Maven tests. Never touches the
# network: Terraform providers come from a local filesystem mirror only.
#
#   bash scripts/check-infra.sh
#
# Environment: TF_PLUGIN_MIRROR  a provider mirror (registry.terraform.io/hashicorp/aws/<v>/<os_arch>/...)
#              PYTHON            the Python 3 interpreter (default python3)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
PYTHON="${PYTHON:-python3}"
failed=()
skipped=()
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { # step <name> <command...>: runs the command, prints its output only when it fails
  local name="$1"; shift
  local log="$work/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log"
  local started=$SECONDS
  if "$@" >"$log" 2>&1; then
    echo "check-infra: ok    $name ($((SECONDS - started))s)"
  else
    echo "check-infra: FAIL  $name ($((SECONDS - started))s)"
    sed 's/^/    /' "$log"
    failed+=("$name")
  fi
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "check-infra: FAILED: $PYTHON not found (the DAG and HCL checks need Python 3)"
  exit 1
fi

step "airflow DAG tests (unittest, Airflow stubbed)" \
  "$PYTHON" -B -m unittest discover -s airflow/tests -t airflow/tests
step "terraform-free HCL check tests (unittest)" \
  "$PYTHON" -B -m unittest discover -s terraform/tests -t terraform/tests
step "terraform-free HCL check (syntax, every catalog table has a Glue table)" \
  "$PYTHON" -B terraform/tests/hcl_check.py

find_mirror() {
  local candidate
  for candidate in "${TF_PLUGIN_MIRROR:-}" /opt/tf-plugins "$HOME/.terraform.d/plugins" \
      "$HOME/.local/share/terraform/plugins" /usr/local/share/terraform/plugins /usr/share/terraform/plugins; do
    if [[ -n "$candidate" && -d "$candidate/registry.terraform.io/hashicorp/aws" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! command -v terraform >/dev/null 2>&1; then
  echo "check-infra: terraform is not installed: skipped fmt/init/validate/test (the HCL check above still ran)"
  skipped+=("terraform")
elif ! mirror="$(find_mirror)"; then
  echo "check-infra: no Terraform provider mirror with hashicorp/aws (set TF_PLUGIN_MIRROR):" \
    "skipped init/validate/test, which would need the network (the HCL check above still ran)"
  skipped+=("terraform init/validate/test")
  step "terraform fmt -check" terraform -chdir=terraform fmt -check -recursive -no-color
else
  # Providers from the mirror only; the direct (network) installer is excluded for them.
  cat >"$work/terraform.rc" <<EOF
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE="$work/terraform.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
  echo "check-infra: terraform $(terraform version | head -n1 | awk '{print $2}'), providers from $mirror"
  step "terraform fmt -check" terraform -chdir=terraform fmt -check -recursive -no-color
  step "terraform init -backend=false" terraform -chdir=terraform init -backend=false -upgrade -input=false -no-color
  if [[ " ${failed[*]} " != *"terraform init"* ]]; then
    step "terraform validate" terraform -chdir=terraform validate -no-color
    step "terraform test (mocked AWS provider)" terraform -chdir=terraform test -no-color
  fi
fi

if ((${#failed[@]})); then
  echo "check-infra: FAILED: ${failed[*]}"
  exit 1
fi
echo "check-infra: OK (airflow DAG tests, HCL check$( ((${#skipped[@]})) && echo "; skipped: ${skipped[*]}" || echo ", terraform fmt/init/validate/test"))"
