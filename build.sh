#!/usr/bin/env bash
# Sluice build script. Targets: build, test, bench, demo, publish (build.ps1 mirrors them).
#
#   ./build.sh build     Release build of Actors.sln (warnings are errors)
#   ./build.sh test      installs MariaDB if missing, starts two throwaway servers (FULL row metadata, and the
#                        server's defaults), runs every test, stops the servers
#   ./build.sh bench     the benchmarks in bench/ against a throwaway server (figures as ratios to the raw limit)
#   ./build.sh demo      a local MariaDB sandbox replicated live, shown as it arrives
#   ./build.sh publish   the 'sluice' executable (ReadyToRun, needs the .NET 10 runtime) in artifacts/sluice
#
# Environment: SLUICE_TEST_MYSQL_PORT (and the other SLUICE_TEST_MYSQL_* variables, see README) point the tests
# at an existing server instead of a throwaway one, SLUICE_TEST_MYSQL_DEFAULTS_* likewise for the default-settings
# one; CONFIGURATION (default Release).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}
SERVER_DIR="$ROOT/.test-server/mariadb-$$"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2; exit 1; }
}

# The sluice CLI as users run it: published for this machine's runtime with ReadyToRun (ahead-of-time) code, which
# takes most JIT work out of start-up and of the first seconds of a sync.
publish_cli() {
  dotnet publish src/Sluice.Cli/Sluice.Cli.csproj -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o artifacts/sluice "$@"
}

server_started=0
defaults_started=0
DEFAULTS_DIR="$ROOT/.test-server/mariadb-defaults-$$"
stop_server() {
  if [ "$server_started" = 1 ]; then
    scripts/mariadb-test-server.sh stop "$SERVER_DIR" || true
    server_started=0
  fi
  if [ "$defaults_started" = 1 ]; then
    scripts/mariadb-test-server.sh stop "$DEFAULTS_DIR" || true
    defaults_started=0
  fi
}

# The second test server, with the server's default binlog_row_metadata (the tests' MariaDbDefaultsServer), unless
# SLUICE_TEST_MYSQL_DEFAULTS_PORT names one already: exports its variables as SLUICE_TEST_MYSQL_DEFAULTS_*.
start_defaults_server() {
  if [ -n "${SLUICE_TEST_MYSQL_DEFAULTS_PORT:-}" ]; then
    echo "build.sh: using the default-settings MariaDB server at ${SLUICE_TEST_MYSQL_DEFAULTS_HOST:-127.0.0.1}:$SLUICE_TEST_MYSQL_DEFAULTS_PORT" >&2
    return 0
  fi
  trap 'stop_server' EXIT
  trap 'stop_server; exit 130' INT
  trap 'stop_server; exit 143' TERM
  defaults_started=1
  scripts/mariadb-test-server.sh start "$DEFAULTS_DIR" --owner-pid $$ --defaults
  set -a
  # shellcheck disable=SC1090
  . <(sed 's/^SLUICE_TEST_MYSQL_/SLUICE_TEST_MYSQL_DEFAULTS_/' "$DEFAULTS_DIR/server.env")
  set +a
}

# Starts a throwaway MariaDB unless SLUICE_TEST_MYSQL_PORT names one already, and exports its variables.
start_server() {
  if [ -n "${SLUICE_TEST_MYSQL_PORT:-}" ]; then
    echo "build.sh: using the MariaDB server at ${SLUICE_TEST_MYSQL_HOST:-127.0.0.1}:$SLUICE_TEST_MYSQL_PORT" >&2
    return 0
  fi
  trap 'stop_server' EXIT
  trap 'stop_server; exit 130' INT
  trap 'stop_server; exit 143' TERM
  server_started=1
  scripts/mariadb-test-server.sh start "$SERVER_DIR" --owner-pid $$
  set -a
  # shellcheck disable=SC1090
  . "$SERVER_DIR/server.env"
  set +a
}

# Sums the per-assembly summaries of 'dotnet test' into one closing line: 'tests: N passed, N failed, N skipped'.
summarize_tests() {
  local log=$1
  awk '
    /^Total tests: *[0-9]+/ { runs++; inblock = 1; next }
    inblock && /^ *Passed: *[0-9]+ *$/ { s = $0; gsub(/[^0-9]/, "", s); p += s; next }
    inblock && /^ *Failed: *[0-9]+ *$/ { s = $0; gsub(/[^0-9]/, "", s); f += s; next }
    inblock && /^ *Skipped: *[0-9]+ *$/ { s = $0; gsub(/[^0-9]/, "", s); k += s; next }
    inblock && /^ *Total time:/ { inblock = 0 }
    END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, k }
  ' "$log"
}

target=${1:-build}
shift || true
case "$target" in
  build)
    need_dotnet
    dotnet build Actors.sln -c "$CONFIGURATION" "$@"
    ;;
  test)
    need_dotnet
    scripts/mariadb-test-server.sh install
    scripts/postgres-test-server.sh install   # the cluster tests' PostgreSQL journal
    dotnet build Actors.sln -c "$CONFIGURATION"
    start_server
    start_defaults_server
    mkdir -p artifacts
    log=artifacts/test-output.log
    set +e
    # -m:1: one test assembly at a time, since they share the server and some assert on its whole binlog.
    dotnet test Actors.sln -c "$CONFIGURATION" --no-build -m:1 --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    summarize_tests "$log"
    stop_server
    exit "$rc"
    ;;
  bench)
    need_dotnet
    scripts/mariadb-test-server.sh install
    dotnet build bench/Sluice.Bench/Sluice.Bench.csproj -c Release
    publish_cli
    start_server
    dotnet run --project bench/Sluice.Bench -c Release --no-build -- "$@"
    stop_server
    ;;
  demo)
    need_dotnet
    scripts/mariadb-test-server.sh install
    dotnet build src/Sluice.Cli/Sluice.Cli.csproj -c "$CONFIGURATION"
    SERVER_DIR="$ROOT/.demo/mariadb-$$"
    start_server
    bash scripts/demo.sh "$@"
    stop_server
    ;;
  publish)
    need_dotnet
    publish_cli "$@"
    echo "build.sh: published to artifacts/sluice/sluice"
    ;;
  *)
    echo "build.sh: unknown target '$target' (use build, test, bench, demo or publish)" >&2
    exit 2
    ;;
esac
