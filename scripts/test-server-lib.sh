# Shared by scripts/mariadb-test-server.sh and scripts/postgres-test-server.sh (sourced, not run).
# The including script defines die() first.

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free TCP port on 127.0.0.1 (the caller retries on the rare race with another process).
pick_port() {
  local i port
  for i in $(seq 1 50); do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    if ! port_in_use "$port"; then echo "$port"; return 0; fi
  done
  die "no free TCP port found on 127.0.0.1"
}

# parse_owner_pid ARGS...: the value of --owner-pid (empty without it); any other option is an error.
parse_owner_pid() {
  local owner_pid=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --owner-pid) owner_pid=$2; shift 2 ;;
      *) die "unknown option '$1' for start" ;;
    esac
  done
  echo "$owner_pid"
}

# start_watchdog OWNER_PID SERVER_PID DIR SCRIPT: when the owner (a test host, build.sh) goes away without stopping
# the server, stop it and remove DIR. In its own session, so killing the owner's process group does not kill it.
start_watchdog() {
  local owner_pid=$1 pid=$2 dir=$3 self=$4
  [ -n "$owner_pid" ] || return 0
  setsid nohup bash -c "while kill -0 $owner_pid 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 1; done; \
    [ -f '$dir/server.env' ] && '$self' stop '$dir'" >/dev/null 2>&1 &
  disown || true
}

# dispatch ARGS...: the command line both scripts share; they define install_server, start_server and stop_server.
dispatch() {
  case "${1:-}" in
    install) install_server ;;
    start) [ $# -ge 2 ] || die "usage: $0 start DIR [--owner-pid PID]"; shift; start_server "$@" ;;
    stop) [ $# -ge 2 ] || die "usage: $0 stop DIR"; stop_server "$2" ;;
    *) die "usage: $0 install | start DIR [--owner-pid PID] | stop DIR" ;;
  esac
}
