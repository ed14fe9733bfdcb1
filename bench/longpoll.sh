#!/usr/bin/env bash
# Issue 11's load: 10,000 long polls on the demo's /poll and 1,000 /events streams against the
# runtime, with ordinary GET / traffic beside them (dev.usher.bench.LongPollLoad, which prints
# each figure). Build first: mvn -B install -DskipTests && mvn -B -f bench/pom.xml package -DskipTests
#
#   bench/longpoll.sh [MODE...]
#
# MODE: fanout (polls answered by one POST), expiry (polls answered 204 after WAIT seconds),
# events (STREAMS streams held for EVENTS_SECONDS); default: all three, each against a fresh server.
#
# Environment:
#   JAVA          the java binary (default: java on PATH); e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   WORKER_CLASS  the server's worker_class (default sync: /poll waits as an asynchronous response;
#                 virtual, on Java 21+: /poll blocks its virtual thread)
#   POLLS         long polls (default 10000); STREAMS (default 1000); WAIT (default 10);
#                 EVENTS_SECONDS (default 60)
#   JVM_OPTS      the server's JVM options (default "-Xms1g -Xmx1g", G1)
#   USHER_JAR     default runtime/target/usher.jar
#
# The server runs with connection_limit and waiting_connection_limit raised above the clients'
# number (their defaults, 100 and 2048, are for ordinary traffic) and no access log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
JAVA=${JAVA:-java}
WORKER_CLASS=${WORKER_CLASS:-sync}
POLLS=${POLLS:-10000}
STREAMS=${STREAMS:-1000}
WAIT=${WAIT:-10}
EVENTS_SECONDS=${EVENTS_SECONDS:-60}
JVM_OPTS=${JVM_OPTS:-"-Xms1g -Xmx1g"}
USHER_JAR=${USHER_JAR:-$here/../runtime/target/usher.jar}
MODES=("$@")
if ((${#MODES[@]} == 0)); then MODES=(fanout expiry events); fi
PORT=${PORT:-18400}

for mode in "${MODES[@]}"; do
  dir=$(mktemp -d)
  mkdir -p "$dir/etc"
  limit=$((POLLS > STREAMS ? POLLS : STREAMS))
  printf 'listen=127.0.0.1:%s\nconnection_limit=%s\nwaiting_connection_limit=%s\naccesslog=\nworker_class=%s\n' \
    "$PORT" $((limit + 100)) $((limit + 100)) "$WORKER_CLASS" > "$dir/etc/dev.usher.server.cfg"
  (cd "$dir" && exec "$JAVA" $JVM_OPTS -jar "$USHER_JAR" > "$dir/server.log" 2>&1) &
  pid=$!
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.1
  done
  java_pid=$(pgrep -P "$pid" java || echo "$pid")
  echo "== $mode: $("$JAVA" -version 2>&1 | head -1), worker_class=$WORKER_CLASS, server pid $java_pid"
  case "$mode" in
    fanout) args=(fanout "$PORT" "$java_pid" "$POLLS") ;;
    expiry) args=(expiry "$PORT" "$java_pid" "$POLLS" "$WAIT") ;;
    events) args=(events "$PORT" "$java_pid" "$STREAMS" "$EVENTS_SECONDS") ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  "$JAVA" -cp "$here/target/classes" dev.usher.bench.LongPollLoad "${args[@]}" || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -q "ERROR" "$dir/server.log"; then
    echo "server errors:"; grep "ERROR" "$dir/server.log" | head -5
  fi
  rm -rf "$dir"
done
exit "${status:-0}"
