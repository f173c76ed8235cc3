#!/usr/bin/env bash
# The AWS emulator for the integration tests: moto in server mode, from PyPI, into its own virtual
# environment at .cache/moto/venv. test/aws/requirements.txt pins moto and every package it needs with
# their sha256 hashes, and pip installs exactly those (--require-hashes --no-deps), so a changed or
# substituted file on the index fails the install. Nothing happens when the venv already holds the pinned moto.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements=test/aws/requirements.txt
version=$(sed -n 's/^moto==\([^ ]*\).*/\1/p' "$requirements")
venv=.cache/moto/venv
stamp=$venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)

if [[ -x $venv/bin/moto_server && -f $stamp && "$(cat "$stamp")" == "$want" ]] &&
  [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" == "$version" ]]; then
  exit 0
fi

echo "install-moto: installing moto $version into $venv"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
# Only the index: no local wheel folders a machine's pip configuration may name.
PIP_FIND_LINKS='' PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet \
  --require-hashes --no-deps --only-binary=:all: -r "$requirements"
echo "$want" >"$stamp"
echo "install-moto: $("$venv/bin/moto_server" --version 2>/dev/null || echo "moto $version") in $venv"
