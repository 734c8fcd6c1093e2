#!/usr/bin/env bash
# The run report's browser test (SandboxPipelineE2ETest) opens the report in headless Chromium. On
# a machine without it, install Debian's package when we can (root with apt-get: CI, a fresh
# machine); otherwise say how. Never fails make test itself: the test fails, saying what to do.
set -euo pipefail

for candidate in "${CHROMIUM:-}" chromium chromium-browser; do
  if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1; then
    exit 0
  fi
done
if [[ "${LAKEHOUSE_SKIP_BROWSER_TEST:-}" == "1" ]]; then
  echo "ensure-chromium: no Chromium; LAKEHOUSE_SKIP_BROWSER_TEST=1 skips the report's browser test" >&2
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the report's browser test ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; then
    exit 0
  fi
  echo "ensure-chromium: apt-get could not install chromium (above); the browser test will fail" >&2
  exit 0
fi
# Not ours to install: the tests go on, and the browser test fails saying the same
echo "ensure-chromium: the report's browser test needs Chromium: install it (Debian: sudo apt-get install chromium)," \
  "point CHROMIUM at a Chromium or Chrome binary, or set LAKEHOUSE_SKIP_BROWSER_TEST=1 to skip that test" >&2
