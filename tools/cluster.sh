#!/bin/sh
# cluster.sh - `make cluster` (issue 13; S-X3, S-J11): HAProxy in front of
# two app nodes and one Redis, all in the foreground.
#
#   PORT     HAProxy, round robin over the nodes; /gw/ is the API gateway
#   PORT+1   HAProxy, sticky (HAProxy inserts the cookie SERVERID=a|b)
#   PORT+2   node a: a lighttpd with every program (run/PORT+2/)
#   PORT+3   node b: the same (run/PORT+3/)
#   PORT+4   HAProxy, the S-C9 "other site" (OTHER_PORT), from both nodes
#
# Both nodes share DB (SQLite in WAL mode: the stand-in for a database
# server) and one redis-server (SESSION_STORE=redis): a unix socket in
# run/PORT/redis/, an append-only file with appendfsync always; or the
# Redis of REDIS_URL when it is set. Each node runs with SCALE_NODE=a|b,
# so every answer it gives carries X-Node. run/PORT/ also holds the
# gateway secret (256 random bits, 0600, new for each run) that HAProxy
# sends with /gw/ requests and the nodes check, and the nodes' logs.
#
# The Makefile has built the programs and made DB and KEYS, and exports
# SITE_ROOT, PORT, HOST, DB, KEYS and the programs' settings. Ctrl-C (or
# SIGTERM) stops HAProxy, both nodes with their FastCGI programs, and
# Redis, and waits for them: nothing is left running. If HAProxy stops by
# itself, so does the rest. A node killed by hand (the S-X3 lesson) is
# not restarted: HAProxy takes it out and the other node serves.
#
#   PORT=8080 tools/cluster.sh kill-node a|b
#
# is that kill, for the running cluster of PORT (the /lab/scale lesson):
# kill -9 of the node's lighttpd and of every program of the node, found
# by the node's RUN_DIR as below; it prints each PID it killed, and exits
# 1 when nothing of that node is running. It needs neither DB nor KEYS,
# and SITE_ROOT defaults to the checkout this script is in.
set -eu
if [ "${1:-}" = kill-node ]; then
  root=${SITE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
else
  root=${SITE_ROOT:?SITE_ROOT must be the checkout}
fi
port=${PORT:-8080}
host=${HOST:-127.0.0.1}
case $port in
  ''|*[!0-9]*) echo "cluster: PORT must be a number" >&2; exit 2;;
esac
if [ $((port + 4)) -gt 65535 ]; then
  echo "cluster: PORT must leave room for PORT+4" >&2
  exit 2
fi
run="$root/run/$port"
run_a="$root/run/$((port + 2))"
run_b="$root/run/$((port + 3))"

# What to stop, in this order: HAProxy, the nodes, Redis.
haproxy_pid=""
node_a_pid=""
node_b_pid=""
redis_pid=""

# Every process of a node carries its RUN_DIR (lighttpd.conf hands it to
# each program): the node's FastCGI programs are found by it even after a
# kill -9 of their lighttpd left them orphaned.
node_procs() {
  grep -slzx "RUN_DIR=$1" /proc/[0-9]*/environ 2>/dev/null |
    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$" || true
}

# kill_node NAME: kill -9 of node NAME (a or b) and all its programs, each
# PID printed with its command line first; 1 when none was running.
kill_node() {
  case ${1:-} in
    a) dir=$run_a;;
    b) dir=$run_b;;
    *) echo "usage: PORT=$port tools/cluster.sh kill-node a|b" >&2
       return 2;;
  esac
  pids=$(node_procs "$dir")
  if [ -z "$pids" ]; then
    echo "cluster: nothing of node $1 is running (RUN_DIR=$dir)" >&2
    return 1
  fi
  echo "cluster: kill -9 of node $1 (RUN_DIR=$dir):"
  for p in $pids; do
    cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)
    echo "  $p  $cmd"
  done
  kill -9 $pids 2>/dev/null || true
  echo "cluster: HAProxy takes node $1 out within about a second;" \
    "the node is not restarted (Ctrl-C the cluster and start it again)"
}

if [ "${1:-}" = kill-node ]; then
  kill_node "${2:-}"
  exit $?
fi
if [ $# -gt 0 ]; then
  echo "usage: tools/cluster.sh (make cluster), or PORT=$port tools/cluster.sh kill-node a|b" >&2
  exit 2
fi
db=${DB:?DB must name the SQLite file}
keys=${KEYS:?KEYS must name the key folder}
umask 077
mkdir -p "$run" "$run_a" "$run_b"

stop() {
  trap - EXIT INT TERM
  for p in $haproxy_pid $node_a_pid $node_b_pid; do
    kill "$p" 2>/dev/null || true
  done
  for p in $haproxy_pid $node_a_pid $node_b_pid; do
    wait "$p" 2>/dev/null || true
  done
  # lighttpd stops its programs as it exits; a node that was killed
  # could not, so its programs are stopped here.
  for d in "$run_a" "$run_b"; do
    left=$(node_procs "$d")
    [ -z "$left" ] || kill $left 2>/dev/null || true
  done
  i=0
  while [ -n "$(node_procs "$run_a")$(node_procs "$run_b")" ] &&
        [ $i -lt 50 ]; do
    i=$((i + 1)); sleep 0.1
  done
  for d in "$run_a" "$run_b"; do
    left=$(node_procs "$d")
    [ -z "$left" ] || kill -9 $left 2>/dev/null || true
  done
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  echo "cluster: stopped"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the gateway secret and the issuer's public key ----------------------
secret_file="$run/gateway.secret"
rm -f "$secret_file"
openssl rand -hex 32 > "$secret_file"
GATEWAY_SECRET=$(cat "$secret_file")
pub="$keys/jwt_rs256.pub.pem"
if [ ! -s "$pub" ]; then
  pub="$run/jwt_rs256.pub.pem"
  openssl pkey -in "$keys/jwt_rs256.pem" -pubout -out "$pub"
fi

# ---- Redis -----------------------------------------------------------------
if [ -z "${REDIS_URL:-}" ]; then
  rdir="$run/redis"
  mkdir -p "$rdir"
  sock="$rdir/redis.sock"
  redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 \
    --dir "$rdir" --appendonly yes --appendfsync always --save "" \
    --logfile "$rdir/redis.log" --pidfile "$rdir/redis.pid" &
  redis_pid=$!
  i=0
  until redis-cli -s "$sock" ping >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$redis_pid" 2>/dev/null; then
      echo "cluster: redis-server did not start; see $rdir/redis.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  REDIS_URL="unix:$sock"
fi

# ---- the two nodes ---------------------------------------------------------
# start_node NAME PORT RUN_DIR: one lighttpd with every program, in the
# background ($! is its pid); its log is RUN_DIR/lighttpd.log.
start_node() {
  rm -f "$3/other.sock"
  RUN_DIR="$3" SITE_ROOT="$root" HOST="$host" PORT="$2" \
    OTHER_PORT=$((port + 4)) OTHER_SOCKET="$3/other.sock" \
    DB="$db" KEYS="$keys" SESSION_STORE=redis REDIS_URL="$REDIS_URL" \
    SCALE_NODE="$1" GATEWAY_SECRET="$GATEWAY_SECRET" \
    lighttpd -D -f "$root/lighttpd.conf" >>"$3/lighttpd.log" 2>&1 &
}
start_node a $((port + 2)) "$run_a"
node_a_pid=$!
start_node b $((port + 3)) "$run_b"
node_b_pid=$!

# ---- HAProxy ---------------------------------------------------------------
cat <<EOF
make cluster: HAProxy in front of two nodes and one Redis (Ctrl-C stops everything)
  http://$host:$port/          round robin over node a and node b; /gw/api/me: the API gateway
  http://$host:$((port + 1))/          sticky: HAProxy's cookie SERVERID=a|b
  http://$host:$((port + 2))/          node a (X-Node: a)   log: $run_a/lighttpd.log
  http://$host:$((port + 3))/          node b (X-Node: b)   log: $run_b/lighttpd.log
  http://$host:$((port + 4))/other/    the other site of S-C9
  Redis: $REDIS_URL   database: $db
EOF
HOST="$host" FRONT_PORT=$port STICKY_PORT=$((port + 1)) \
  OTHER_SITE_PORT=$((port + 4)) NODE_A="$host:$((port + 2))" \
  NODE_B="$host:$((port + 3))" OTHER_A="$run_a/other.sock" \
  OTHER_B="$run_b/other.sock" GW_PUBKEY="$pub" \
  GATEWAY_SECRET="$GATEWAY_SECRET" \
  haproxy -db -f "$root/tools/haproxy.cfg" &
haproxy_pid=$!
set +e
wait "$haproxy_pid"
rc=$?
# A signal interrupts the wait above (the trap then exits); HAProxy
# ending by itself ends the cluster.
exit $rc
