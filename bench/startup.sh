#!/usr/bin/env bash
# Start-up of the Usher runtime, measured as wrk-hello.sh's start-up column is (server launch to
# its first 200 on /), RUNS times per jar, the jars taking turns so that a busy machine weighs on
# each alike. Prints every start-up (wall ms / CPU ms of the JVM until then) and, per jar, the
# minimum and the median.
#
#   bench/startup.sh [RUNS] [JAR...]
#
# RUNS  default 10; JAR default runtime/target/usher.jar (give two to compare a change).
#
# Environment:
#   JAVA        the java binary (default: java on PATH), e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   JVM_OPTS    default "-Xms1g -Xmx1g -XX:+UseParallelGC", as wrk-hello.sh
#   SAME_DIR    1: every start of a jar in the same directory (a second start after the first),
#               instead of a fresh directory each time
#   ACCESSLOG   1: keep the runtime's default access log (wrk-hello.sh's usher row); default off
#               (its usher-nolog row)
#
# Each start gets a free port below the ephemeral range and a directory whose
# etc/dev.usher.server.cfg holds listen=127.0.0.1:PORT (and accesslog=); the server is stopped
# with TERM once it answered. CPU ms is utime+stime of the JVM (/proc/PID/stat) when the 200 came:
# on this 2-core machine the JIT compiler threads run beside the start-up, so it exceeds the wall
# time, and it moves less than the wall time when other work shares the cores.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
RUNS=${1:-10}
shift || true
JARS=("$@")
if ((${#JARS[@]} == 0)); then JARS=("$here/../runtime/target/usher.jar"); fi
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
SAME_DIR=${SAME_DIR:-0}
ACCESSLOG=${ACCESSLOG:-0}
CLK_TCK=$(getconf CLK_TCK)

for jar in "${JARS[@]}"; do
    [[ -f $jar ]] || { echo "startup: $jar missing; build the runtime first" >&2; exit 1; }
done

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
exec {nap_fd}<> <(:)
nap() { read -r -t 0.005 -u "$nap_fd" _ || true; }

read -r ephemeral_lo _ </proc/sys/net/ipv4/ip_local_port_range || ephemeral_lo=32768
free_port() {
    while :; do
        port=$((10000 + RANDOM % (ephemeral_lo - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return; fi
    done
}

# probe PORT: GET / on a new connection (bash's /dev/tcp, as wrk-hello.sh); sets $code.
probe() {
    local fd line
    code=000
    { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
    printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd" 2>/dev/null &&
        read -r -t 1 -u "$fd" line 2>/dev/null && [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && code=${BASH_REMATCH[1]}
    exec {fd}>&-
    return 0
}

# start_once DIR JAR: one start-up in DIR; prints "WALL/CPU".
start_once() {
    local dir=$1 jar=$2 launched up line f ticks deadline
    mkdir -p "$dir/etc"
    free_port
    printf 'listen=127.0.0.1:%s\n' "$port" >"$dir/etc/dev.usher.server.cfg"
    if [[ $ACCESSLOG != 1 ]]; then printf 'accesslog=\n' >>"$dir/etc/dev.usher.server.cfg"; fi
    # shellcheck disable=SC2016 # expanded by the server's shell, just before it execs
    (exec {nap_fd}>&- && cd "$dir" && exec setsid bash -c \
        'printf "%s\n" "${EPOCHREALTIME/[.,]/}" >launch.us; exec "$0" $1 -jar "$2"' \
        "$JAVA" "$JVM_OPTS" "$jar" >>server.log 2>&1) &
    pid=$!
    deadline=$((SECONDS + 60))
    trap '' PIPE
    while :; do
        probe "$port"
        [[ $code == 200 ]] && break
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
            tail -n 20 "$dir/server.log" >&2
            echo "startup: $jar did not answer 200" >&2
            exit 1
        fi
        nap
    done
    up=${EPOCHREALTIME/[.,]/}
    read -r line </proc/"$pid"/stat
    read -ra f <<<"${line##*) }"
    ticks=$((f[11] + f[12]))
    trap - PIPE
    launched=$(<"$dir/launch.us")
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
    echo "$(((up - launched) / 1000))/$((ticks * 1000 / CLK_TCK))"
}

declare -A results
for ((run = 1; run <= RUNS; run++)); do
    index=0
    for jar in "${JARS[@]}"; do
        index=$((index + 1))
        dir=$work/$run-$index
        if [[ $SAME_DIR == 1 ]]; then dir=$work/same-$index; fi
        result=$(start_once "$dir" "$jar")
        results[$jar]+="$result "
        echo "run $run $(basename "$jar"): $result ms (wall/cpu)" >&2
    done
done

echo "start-up to the first 200 on /, ms (wall/cpu of the JVM), $RUNS runs each, $JAVA $JVM_OPTS$([[ $SAME_DIR == 1 ]] && echo ', same directory every time')"
for jar in "${JARS[@]}"; do
    sorted=$(tr ' ' '\n' <<<"${results[$jar]}" | grep . | sort -n)
    median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
    printf '%s: wall min %s median %s, cpu median %s  [%s]\n' "$jar" "$(head -1 <<<"$sorted" | cut -d/ -f1)" \
        "$(cut -d/ -f1 <<<"$sorted" | median)" "$(cut -d/ -f2 <<<"$sorted" | median)" "$(tr '\n' ' ' <<<"$sorted")"
done
