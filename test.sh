#!/usr/bin/env bash
# Runs every test of ChatFlows: builds the solution, checks formatting, runs all xunit suites.
# Usage: ./test.sh            (from the repository root; needs only the .NET SDK)
set -euo pipefail
cd "$(dirname "$0")"

echo "==> Restoring and building (Release)"
dotnet build ChatFlows.sln -c Release --nologo -v quiet

echo "==> Checking code style (dotnet format)"
dotnet format ChatFlows.sln --verify-no-changes --no-restore -v quiet \
  || { echo "Formatting differs from .editorconfig: run 'dotnet format ChatFlows.sln' and commit the result."; exit 1; }

echo "==> Running tests"
log=$(mktemp)
set +e
dotnet test ChatFlows.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all suites, e.g. "tests: 120 passed, 0 failed, 0 skipped".
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  failed  += $(i+1)
         if ($i == "Passed:")  passed  += $(i+1)
         if ($i == "Skipped:") skipped += $(i+1)
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
rm -f "$log"
exit "$status"
