#!/usr/bin/env bash
# A throwaway MariaDB server for Sluice's tests, benchmarks and demo.
#
#   scripts/mariadb-test-server.sh install           install Debian's mariadb-server/-client if mariadbd is missing
#   scripts/mariadb-test-server.sh start DIR [--owner-pid PID] [--defaults]
#                                                    initialise DIR, start mariadbd on 127.0.0.1 on a free port,
#                                                    create the users, write DIR/server.env; with --owner-pid the
#                                                    server stops by itself (and DIR is removed) when PID exits;
#                                                    with --defaults binlog_row_metadata keeps the server's default
#                                                    (NO_LOG on MariaDB: no names, signedness or charsets in TABLE_MAP)
#                                                    instead of FULL
#   scripts/mariadb-test-server.sh stop DIR          stop that server and remove DIR
#
# DIR/server.env holds shell assignments (sourceable) for the tests:
#   SLUICE_TEST_MYSQL_HOST, SLUICE_TEST_MYSQL_PORT, SLUICE_TEST_MYSQL_ROOT_USER, SLUICE_TEST_MYSQL_ROOT_PASSWORD,
#   SLUICE_TEST_MYSQL_REPL_USER, SLUICE_TEST_MYSQL_REPL_PASSWORD, SLUICE_TEST_MYSQL_SSL_CA, SLUICE_TEST_MYSQL_PID
set -euo pipefail

ROOT_USER=sluice_root
ROOT_PASSWORD=sluice-root-pw
REPL_USER=sluice_repl
REPL_PASSWORD=sluice-repl-pw

die() { echo "mariadb-test-server: $*" >&2; exit 1; }
# shellcheck source=scripts/test-server-lib.sh
. "$(cd "$(dirname "$0")" && pwd)/test-server-lib.sh"

find_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
    if [ -x "/usr/bin/$name" ]; then echo "/usr/bin/$name"; return 0; fi
  done
  return 1
}

install_server() {
  if find_bin mariadbd >/dev/null && find_bin mariadb >/dev/null && find_bin mariadb-binlog >/dev/null; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "mariadbd is missing and this is not root: install mariadb-server and mariadb-client (Debian) first"
    sudo="sudo"
  fi
  echo "mariadb-test-server: installing mariadb-server and mariadb-client (Debian packages)..." >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # policy-rc.d keeps the package from starting a system-wide server: we run our own.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    mariadb-server mariadb-client openssl >&2
  [ "$created_policy" = 1 ] && $sudo rm -f "$policy"
  find_bin mariadbd >/dev/null || die "mariadbd still missing after apt-get install mariadb-server"
}


make_certs() {
  local dir=$1
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Sluice Test CA" \
      -keyout ca-key.pem -out ca.pem >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
      -keyout server-key.pem -out server-req.pem >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
    openssl x509 -req -in server-req.pem -days 3650 -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile san.ext -out server-cert.pem >/dev/null 2>&1
  ) || die "openssl could not create the test certificates in $dir"
}

start_server() {
  local dir=$1; shift
  local owner_pid row_metadata="--binlog-row-metadata=FULL" arg
  local -a rest=()
  for arg in "$@"; do
    if [ "$arg" = "--defaults" ]; then row_metadata=""; else rest+=("$arg"); fi
  done
  owner_pid=$(parse_owner_pid "${rest[@]+"${rest[@]}"}")
  install_server
  local mariadbd install_db client admin
  mariadbd=$(find_bin mariadbd mysqld) || die "mariadbd not found"
  install_db=$(find_bin mariadb-install-db mysql_install_db) || die "mariadb-install-db not found"
  client=$(find_bin mariadb mysql) || die "mariadb client not found"
  admin=$(find_bin mariadb-admin mysqladmin) || die "mariadb-admin not found"

  if [ -f "$dir/server.env" ]; then stop_server "$dir"; fi
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/binlog" "$dir/tmp"
  dir=$(cd "$dir" && pwd)
  make_certs "$dir/ssl"

  "$install_db" --no-defaults --datadir="$dir/data" --user="$(id -un)" --skip-test-db \
    --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; die "mariadb-install-db failed (log above)"; }

  local attempt port pid
  for attempt in 1 2 3 4 5; do
    port=$(pick_port)
    "$mariadbd" --no-defaults --user="$(id -un)" \
      --datadir="$dir/data" --tmpdir="$dir/tmp" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
      --log-error="$dir/error.log" --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
      --server-id=1 --log-bin="$dir/binlog/mariadb-bin" --binlog-format=ROW --binlog-row-image=FULL \
      ${row_metadata:+"$row_metadata"} --gtid-strict-mode=ON --log-slave-updates=ON --max-allowed-packet=256M \
      --expire-logs-days=7 --binlog-checksum=CRC32 \
      --ssl-ca="$dir/ssl/ca.pem" --ssl-cert="$dir/ssl/server-cert.pem" --ssl-key="$dir/ssl/server-key.pem" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
      --innodb-buffer-pool-size=256M --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=2 \
      --sync-binlog=0 --max-connections=500 --performance-schema=OFF \
      >"$dir/mariadbd.out" 2>&1 &
    pid=$!
    local i
    for i in $(seq 1 600); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if "$admin" --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
        break
      fi
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null && "$admin" --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      break
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! grep -qi "address already in use\|Can't start server: Bind" "$dir/error.log" 2>/dev/null; then
      tail -n 30 "$dir/error.log" >&2 || true
      die "mariadbd did not start (error log above)"
    fi
    pid=""
  done
  [ -n "$pid" ] || die "mariadbd could not bind a free port after 5 attempts"

  "$client" --no-defaults --socket="$dir/mysqld.sock" -uroot <<SQL || die "could not create the test users"
CREATE USER '$ROOT_USER'@'%' IDENTIFIED BY '$ROOT_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ROOT_USER'@'%' WITH GRANT OPTION;
CREATE USER '$REPL_USER'@'%' IDENTIFIED BY '$REPL_PASSWORD';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '$REPL_USER'@'%';
FLUSH PRIVILEGES;
SQL

  cat >"$dir/server.env" <<ENV
SLUICE_TEST_MYSQL_HOST=127.0.0.1
SLUICE_TEST_MYSQL_PORT=$port
SLUICE_TEST_MYSQL_ROOT_USER=$ROOT_USER
SLUICE_TEST_MYSQL_ROOT_PASSWORD=$ROOT_PASSWORD
SLUICE_TEST_MYSQL_REPL_USER=$REPL_USER
SLUICE_TEST_MYSQL_REPL_PASSWORD=$REPL_PASSWORD
SLUICE_TEST_MYSQL_SSL_CA=$dir/ssl/ca.pem
SLUICE_TEST_MYSQL_SOCKET=$dir/mysqld.sock
SLUICE_TEST_MYSQL_PID=$pid
ENV

  start_watchdog "$owner_pid" "$pid" "$dir" "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  echo "mariadb-test-server: MariaDB $("$client" --no-defaults --socket="$dir/mysqld.sock" -uroot -N -e 'SELECT VERSION()') on 127.0.0.1:$port (datadir $dir)" >&2
}

stop_server() {
  local dir=$1
  [ -d "$dir" ] || return 0
  local pid=""
  if [ -f "$dir/server.env" ]; then
    pid=$(sed -n 's/^SLUICE_TEST_MYSQL_PID=//p' "$dir/server.env")
  elif [ -f "$dir/mysqld.pid" ]; then
    pid=$(cat "$dir/mysqld.pid" 2>/dev/null || true)
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

dispatch "$@"
