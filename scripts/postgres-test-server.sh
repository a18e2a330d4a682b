#!/usr/bin/env bash
# A throwaway PostgreSQL server for Sluice's cluster tests (a shared journal store).
#
#   scripts/postgres-test-server.sh install          install Debian's postgresql package if initdb is missing
#   scripts/postgres-test-server.sh start DIR [--owner-pid PID]
#                                                    initdb in DIR, start postgres on 127.0.0.1 on a free port
#                                                    (trust authentication, loopback only), write DIR/server.env;
#                                                    with --owner-pid it stops by itself when PID exits
#   scripts/postgres-test-server.sh stop DIR         stop that server and remove DIR
#
# DIR/server.env: SLUICE_TEST_PG_HOST, SLUICE_TEST_PG_PORT, SLUICE_TEST_PG_USER, SLUICE_TEST_PG_PID.
# As root, the server runs as the 'postgres' user (initdb refuses root).
set -euo pipefail

USER_NAME=sluice

die() { echo "postgres-test-server: $*" >&2; exit 1; }
# shellcheck source=scripts/test-server-lib.sh
. "$(cd "$(dirname "$0")" && pwd)/test-server-lib.sh"

find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

install_server() {
  if find_bin initdb >/dev/null && find_bin pg_ctl >/dev/null; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "initdb is missing and this is not root: install postgresql (Debian) first"
    sudo="sudo"
  fi
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  [ "$created_policy" = 1 ] && $sudo rm -f "$policy"
  find_bin initdb >/dev/null || die "initdb still missing after apt-get install postgresql"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}


start_server() {
  local dir=$1; shift
  local owner_pid
  owner_pid=$(parse_owner_pid "$@")
  install_server
  local initdb pg_ctl
  initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
  if [ -f "$dir/server.env" ]; then stop_server "$dir"; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_owner "$initdb" -D "$dir/data" -U "$USER_NAME" -A trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed (log above)"; }
  local attempt port pid=""
  for attempt in 1 2 3 4 5; do
    port=$(pick_port)
    if as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      pid=$(head -1 "$dir/data/postmaster.pid")
      break
    fi
    grep -qi "could not bind\|already in use" "$dir/server.log" 2>/dev/null || { tail -20 "$dir/server.log" >&2; die "postgres did not start"; }
  done
  [ -n "$pid" ] || die "postgres could not bind a free port after 5 attempts"
  cat >"$dir/server.env" <<ENV
SLUICE_TEST_PG_HOST=127.0.0.1
SLUICE_TEST_PG_PORT=$port
SLUICE_TEST_PG_USER=$USER_NAME
SLUICE_TEST_PG_PID=$pid
ENV
  start_watchdog "$owner_pid" "$pid" "$dir" "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  echo "postgres-test-server: PostgreSQL on 127.0.0.1:$port (datadir $dir/data)" >&2
}

stop_server() {
  local dir=$1
  [ -d "$dir" ] || return 0
  local pg_ctl
  if pg_ctl=$(find_bin pg_ctl) && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

dispatch "$@"
