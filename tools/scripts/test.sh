#!/usr/bin/env bash
# The whole test suite, from a fresh clone after `npm ci`: types, lint (with Nx module
# boundaries), formatting, then unit, integration and e2e tests on a real PostgreSQL
# (DATABASE_URL when set, else an embedded one started by the test setup).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true

echo "== browser"
# Chromium and poppler (pdftotext, pdfsig) from Debian, for PDF and browser tests.
bash tools/scripts/ensure-chromium.sh
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
echo "== lint"
npx nx show projects > /dev/null # builds the project graph the boundary rule needs
npx eslint . --max-warnings 0
echo "== format"
npx prettier --check . > /dev/null || { npx prettier --check .; exit 1; }
echo "== tests"
npx jest --ci "$@"
