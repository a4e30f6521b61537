#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the test suite.
# Does nothing when one is already there; otherwise installs Debian's postgresql, starts its
# cluster and gives the postgres role the password "postgres" (tests connect with
# postgres://postgres:postgres@127.0.0.1:5432/citycarbon, which also works with trust auth).
set -euo pipefail
host=127.0.0.1
port=5432

ready() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$host" -p "$port"
}

if ready; then
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  sudo=""
  as_postgres=(runuser -u postgres --)
else
  sudo="sudo"
  as_postgres=(sudo -u postgres)
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql
fi

version="$(ls /etc/postgresql | sort -V | tail -n 1)"
$sudo pg_ctlcluster "$version" main start 2>/dev/null || $sudo service postgresql start

for _ in $(seq 1 30); do
  ready && break
  sleep 1
done
if ! ready; then
  echo "PostgreSQL did not start on $host:$port" >&2
  exit 1
fi
"${as_postgres[@]}" psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
echo "PostgreSQL is ready on $host:$port"
