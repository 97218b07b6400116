#!/usr/bin/env bash
# Publishability of every public package (issue 8): publint on the package as published, and
# "are the types wrong" on its packed tarball (ESM-only profile: we ship no CommonJS).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  private=$(node -p "Boolean(require('./${dir}package.json').private)")
  [ "$private" = "true" ] && continue
  echo "== $name"
  npx publint run "$dir" --strict || status=1
  npx attw --pack "$dir" --profile esm-only --format ascii || status=1
done
exit $status
