#!/usr/bin/env bash
# Publishability of every public package (issue 8): publint and "are the types wrong" (the
# ESM-only profile, except for the client's packages, which also ship CommonJS: issue 19) on the tarball `pnpm pack` writes, i.e. the package as published
# (`workspace:*` rewritten, `files` applied).
#
# Nothing global is assumed (issue 11): pnpm comes through npx like everywhere else, and both
# checkers read the finished tarball, so neither spawns a packer of its own (publint's default
# packer is a `pnpm` on PATH, which a fresh machine does not have).
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM=(npx -y pnpm@10.34.9)
packs=$(mktemp -d)
trap 'rm -rf "$packs"' EXIT
status=0
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  private=$(node -p "Boolean(require('./${dir}package.json').private)")
  [ "$private" = "true" ] && continue
  echo "== $name"
  destination="$packs/$(basename "$dir")"
  mkdir -p "$destination"
  (cd "$dir" && "${PNPM[@]}" pack --pack-destination "$destination" > /dev/null) || {
    echo "pnpm pack failed for $name"
    status=1
    continue
  }
  tarball=$(find "$destination" -name '*.tgz' | head -n 1)
  npx publint run "$tarball" --strict || status=1
  profile=esm-only
  [ "$(node -p "Boolean(require('./${dir}package.json').exports['.'].require)")" = "true" ] && profile=node16
  npx attw "$tarball" --profile "$profile" --format ascii || status=1
done
exit $status
