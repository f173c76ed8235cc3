#!/usr/bin/env bash
# Puts the OASIS SARIF 2.1.0 JSON schema at .cache/sarif/sarif-schema-2.1.0.json, which the trivy-scan
# tests validate Trivy's SARIF against. The schema's home is on GitHub, which these machines cannot reach;
# the serde-sarif crate on crates.io ships it unchanged as src/schema.json. The crate is downloaded once,
# checked against the sha256 that crates.io's index publishes for it (pinned below), and only the schema
# is taken out of it. Idempotent and quiet once the schema is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

crate=serde-sarif
version=0.8.0
# The `cksum` of serde-sarif 0.8.0 in https://index.crates.io/se/rd/serde-sarif.
sha256=a053c46f18a8043570d4e32fefc4c6377f82bf29ec310a33e93f273048e3b0be
member="$crate-$version/src/schema.json"

dir=.cache/sarif
schema="$dir/sarif-schema-2.1.0.json"
archive="$dir/$crate-$version.crate"
stamp="$schema.from" # which crate the schema came from: a new pin replaces it

[[ -f "$schema" && -f "$stamp" && "$(cat "$stamp")" == "$crate-$version $sha256" ]] && exit 0

mkdir -p "$dir"
verified() { [[ -f "$archive" ]] && echo "$sha256  $archive" | sha256sum --check --status; }
if ! verified; then
  echo "fetch-sarif-schema: downloading $crate $version from crates.io"
  curl --fail --silent --show-error --location --retry 3 --output "$archive.partial" \
    "https://static.crates.io/crates/$crate/$crate-$version.crate"
  mv "$archive.partial" "$archive"
  if ! verified; then
    echo "fetch-sarif-schema: $archive does not have the pinned sha256 $sha256; removed it" >&2
    rm -f "$archive"
    exit 1
  fi
fi

# Extract next to the schema and rename, so a reader never sees half a file.
tmp=$(mktemp -d "$dir/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar --extract --gzip --file "$archive" --directory "$tmp" "$member"
grep -q '"title": "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"' "$tmp/$member" || {
  echo "fetch-sarif-schema: $member in $archive is not the SARIF 2.1.0 schema" >&2
  exit 1
}
mv "$tmp/$member" "$schema"
echo "$crate-$version $sha256" >"$stamp"
echo "fetch-sarif-schema: $schema from $crate $version"
