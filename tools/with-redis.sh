#!/bin/sh
# with-redis.sh DIR CMD...: start a private redis-server for CMD and stop
# it when CMD ends (make run SESSION_STORE=redis without REDIS_URL; issue
# 12). Redis listens on DIR/redis.sock only (no TCP port), owner-only,
# and keeps an append-only file in DIR with appendfsync always, so every
# acknowledged write is on disk and the sessions survive a restart of
# `make run`. CMD runs with REDIS_URL=unix:DIR/redis.sock. Ctrl-C reaches
# both (one process group); either way Redis is stopped before this
# script returns CMD's status.
set -eu
dir=$1
shift
mkdir -p -m 0700 "$dir"
sock="$dir/redis.sock"
redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 \
  --dir "$dir" --appendonly yes --appendfsync always --save "" \
  --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" &
redis=$!
stop() { kill "$redis" 2>/dev/null || true; wait "$redis" 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
i=0
until redis-cli -s "$sock" ping >/dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$redis" 2>/dev/null; then
    echo "redis-server did not start; see $dir/redis.log" >&2
    exit 1
  fi
  sleep 0.05
done
echo "Redis on unix:$sock (look inside: redis-cli -s $sock --scan)"
REDIS_URL="unix:$sock" "$@" &
child=$!
set +e
wait "$child"
rc=$?
# A Ctrl-C interrupts the wait above: wait for the child itself to end.
while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
exit $rc
