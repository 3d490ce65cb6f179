#!/bin/sh
# Installs every Debian package fedflow's build, tests and demo need, on Debian 12 (bookworm), as root.
# Idempotent: a second run changes nothing. The ODB 2.4 runtime is not in bookworm, so it comes from a
# pinned bullseye source; the pin blocks everything else from bullseye (see docs/toolchain.md).
set -eu
export DEBIAN_FRONTEND=noninteractive

PACKAGES="ca-certificates g++ make cmake ninja-build pkg-config \
  libboost1.81-dev libboost-test1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  protobuf-compiler libprotobuf-dev \
  libspdlog-dev libfmt-dev libyaml-cpp-dev libssl-dev zlib1g-dev \
  odb libodb-dev libodb-sqlite-dev libodb-mysql-dev \
  libsqlite3-dev libmariadb-dev libmariadb-dev-compat \
  mariadb-server-core mariadb-client \
  libsodium-dev libgmp-dev \
  clang libclang-rt-14-dev procps curl \
  chromium chromium-driver"
# The board is built with Node.js and npm: Debian's, unless the machine has them already (another
# nodejs package, such as NodeSource's, ships its own npm and conflicts with Debian's).
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

# Fast path: everything already installed -> nothing to do (keeps CI reruns quick).
missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  echo "install-deps.sh: all packages present"
  exit 0
fi
echo "install-deps.sh: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

cat > /etc/apt/sources.list.d/bullseye-odb.sources <<'EOS'
# ODB 2.4 runtime libraries (libodb*) are not in bookworm; take them from bullseye.
# Everything else from bullseye is blocked by /etc/apt/preferences.d/bullseye-odb.pref
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS

cat > /etc/apt/preferences.d/bullseye-odb.pref <<'EOS'
# Never install anything from bullseye ...
Package: *
Pin: release n=bullseye
Pin-Priority: -10

# ... except the ODB 2.4 runtime libraries, which bookworm does not ship.
Package: libodb-2.4 libodb-dev libodb-sqlite-2.4 libodb-sqlite-dev libodb-mysql-2.4 libodb-mysql-dev libodb-boost-2.4 libodb-boost-dev
Pin: release n=bullseye
Pin-Priority: 500
EOS

apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $PACKAGES
