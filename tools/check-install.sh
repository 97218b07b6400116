#!/usr/bin/env bash
# `@sage/llm-core` installs alone (issue 19): pack the client's packages, install them in an
# empty folder with npm from local tarballs only (an empty npm cache and --offline: any package
# the client needs that is not packed here fails the install), then check that the install is
# small and has no native code, that `require()` and `import` both load it, and that both talk
# to a gateway started from this repository (the built-in tiny engines). Needs `pnpm build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PNPM=(npx -y pnpm@10.34.9)
BUDGET_BYTES=$((10 * 1000 * 1000)) # 10 MB, the client's install budget (docs/client.md)
CLIENT_PACKAGES=(packages/protocol packages/llm-core)

work=$(mktemp -d)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ]; then kill "$gateway_pid" 2> /dev/null || true; wait "$gateway_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tarballs" "$work/scratch" "$work/home"

# == Pack: the workspace packages with pnpm (workspace:* rewritten, as published); their
# third-party dependencies as installed here (already the published files), tarred the way npm
# packs (a `package/` folder), so neither needs a registry.
for dir in "${CLIENT_PACKAGES[@]}"; do
  (cd "$dir" && "${PNPM[@]}" pack --pack-destination "$work/tarballs" > /dev/null)
done
while IFS=$'\t' read -r name dir; do
  tar --hard-dereference -czf "$work/tarballs/${name//\//-}.tgz" -C "$dir" --exclude=./node_modules --transform 's,^\.,package,' . || {
    echo "check-install: could not pack $name ($dir)"
    exit 1
  }
done < <(node tools/check-install/external-deps.mjs "${CLIENT_PACKAGES[@]}")

# == Install @sage/llm-core alone, offline, from the tarballs only.
cd "$work/scratch"
echo '{ "name": "scratch", "private": true }' > package.json
npm install --offline --cache "$work/npm-cache" --no-audit --no-fund --ignore-scripts --loglevel=error \
  "$work"/tarballs/*.tgz > "$work/npm-install.log" 2>&1 || {
  cat "$work/npm-install.log"
  echo "check-install: npm could not install the client from local tarballs (a dependency not packed here?)"
  exit 1
}
[ -d node_modules/@sage/server ] && { echo "check-install: @sage/server was installed with the client"; exit 1; }
bytes=$(du -sb --apparent-size node_modules | cut -f1)
echo "installed: $(ls node_modules | grep -v '^\.' | tr '\n' ' ')($bytes bytes)"
[ "$bytes" -lt "$BUDGET_BYTES" ] || { echo "check-install: node_modules is $bytes bytes, over the $BUDGET_BYTES budget"; exit 1; }
native=$(find node_modules \( -name '*.node' -o -name binding.gyp -o -name prebuilds \) -print)
[ -z "$native" ] || { echo "check-install: native code in the client's install:"; echo "$native"; exit 1; }

# == A gateway from the repository, then both module systems against it.
cd "$root"
: > "$work/gateway.log"
SAGE_HOME="$work/home" node tools/check-install/start-gateway.mjs > "$work/gateway.log" 2>&1 &
gateway_pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/^URL //p' "$work/gateway.log")
  [ -n "$url" ] && break
  kill -0 "$gateway_pid" 2> /dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/gateway.log"; echo "check-install: the gateway did not start"; exit 1; }
cp tools/check-install/consumer.cjs tools/check-install/consumer.mjs "$work/scratch/"
cd "$work/scratch"
SAGE_HOME="$work/home" SAGE_CONTROL_PLANE_URL="$url" node consumer.cjs
SAGE_HOME="$work/home" SAGE_CONTROL_PLANE_URL="$url" node consumer.mjs
echo "check-install: ok"
