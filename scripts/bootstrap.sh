#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian 12 machine, and nothing twice:
# Debian packages that are missing, the npm dependencies when the lock file changed, the AWS emulator
# (moto, pinned with hashes) when its pins changed, and the sandbox's Kubernetes, Trivy and Prometheus,
# built from their pinned Go modules once per machine (sandbox/cluster, sandbox/trivy, sandbox/prometheus;
# cached by go.mod, go.sum and our sources), with Trivy's DB made from sandbox/trivy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apt_packages=(
  docker.io            # the Docker engine (dockerd) the sandbox starts
  docker-registry      # CNCF distribution: the OCI registry standing in for ECR
  apache2-utils        # htpasswd for the registry's basic auth
  openssh-server       # sshd standing in for the control-plane node
  openssh-client
  containerd runc      # the sandbox cluster's container runtime (CRI), as on the nodes
  containernetworking-plugins iptables # the pod network: CNI bridge + host-local; the kubelet's chains
  prometheus           # promtool checks metrics and rules; the sandbox's Prometheus is built (see below)
  ansible ansible-lint yamllint
  wrk hyperfine        # benchmarks
  debootstrap          # Debian rootfs for Ansible's converge target
  python3 python3-venv # moto, the AWS emulator the integration tests run against (scripts/install-moto.sh)
  iproute2 curl ca-certificates
)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Tools this machine kind ships outside Debian: say so plainly rather than fail later.
for tool in kubectl terraform go; do
  command -v "$tool" >/dev/null || { echo "bootstrap: '$tool' is not on PATH; this machine kind must provide it" >&2; exit 1; }
done

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "bootstrap: installing npm dependencies"
  # Installs exactly what package-lock.json pins. Not `npm ci`: the registry these machines reach lacks
  # some platforms' optional binaries (Biome's macOS and Windows builds), so the lock cannot list them,
  # and `npm ci` refuses any lock that leaves an optional dependency out. `--no-save` keeps the lock as is.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

bash scripts/install-node24.sh
bash scripts/install-moto.sh
bash scripts/fetch-sarif-schema.sh # the SARIF 2.1.0 schema the trivy-scan tests validate against

# The first time on a machine this compiles Kubernetes (about 12 minutes on 2 cores), Trivy (10 to 25
# minutes) and Prometheus (about 4 minutes; Debian's has no Kubernetes discovery) from source, with
# progress; afterwards it finds the binaries in the cache and returns at once.
npx tsx sandbox/src/cli.ts build
