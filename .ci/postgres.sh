#!/usr/bin/env bash
# Installs (when missing) and starts a PostgreSQL cluster on loopback for the second
# server-test run, and prints the connection URL. Idempotent.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
# Loopback only.
sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "/etc/postgresql/$version/main/postgresql.conf"
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  su postgres -c "psql -p $port -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -p $port -qtAc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'samenwerkwijze') THEN CREATE ROLE samenwerkwijze LOGIN PASSWORD 'samenwerkwijze'; END IF; END \\\$\\\$;\"" >&2
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'samenwerkwijze_test'\"" | grep -q 1 \
  || su postgres -c "createdb -p $port -O samenwerkwijze samenwerkwijze_test" >&2
# The tests hand a used schema back emptied (test/server/helpers.ts, resetToMigrated): that sets
# session_replication_role for one transaction (the audit logs refuse TRUNCATE by a trigger), which
# needs this grant (PostgreSQL 15+). Without it every test migrates a new schema: the PostgreSQL run
# took ~30 % longer (organisationPowers.test.ts: 91 s of test time without, 64 s with, same machine).
if [ "${version%%.*}" -ge 15 ]; then
  su postgres -c "psql -p $port -d samenwerkwijze_test -qtAc 'GRANT SET ON PARAMETER session_replication_role TO samenwerkwijze'" >&2
fi
echo "postgres://samenwerkwijze:samenwerkwijze@127.0.0.1:$port/samenwerkwijze_test"
