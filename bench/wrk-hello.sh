#!/usr/bin/env bash
# Compare Usher's "hello" throughput with minimal Jetty 12 and Netty 4.2 servers under
# the same JVM options, using wrk -t1 -c256 on loopback.
#
#   bench/wrk-hello.sh [USHER_JAR] [DURATION]
#
# USHER_JAR  default runtime/target/usher.jar of this repository
# DURATION   default 10s (wrk -d syntax)
#
# Environment:
#   JVM_OPTS         JVM options for all servers    (default "-Xms1g -Xmx1g -XX:+UseParallelGC")
#   JETTY_JAR        the Jetty hello jar            (default bench/target/jetty-hello.jar)
#   NETTY_JAR        the Netty hello jar            (default bench/target/netty-hello.jar)
#   USHER_CMD        command that starts the server under test instead of the Usher jar;
#                    run by bash in a temp dir with PORT, JVM_OPTS, JETTY_JAR and NETTY_JAR exported,
#                    e.g. 'exec java $JVM_OPTS -jar "$JETTY_JAR" $PORT' to try the script
#   WARMUP           wrk warm-up duration per server (default 10s)
#   STARTUP_TIMEOUT  seconds to wait for a server to answer GET / (default 60)
#
# The servers run one at a time (start, warm up, measure, stop), so none of them
# shares the cores with another JVM's JIT or GC threads while it is measured.
#
# Exit status: 0 if every run had no socket errors and no non-2xx responses.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
USHER_JAR=${1:-$here/../runtime/target/usher.jar}
DURATION=${2:-10s}
export JVM_OPTS=${JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
JETTY_JAR=${JETTY_JAR:-$here/target/jetty-hello.jar}
NETTY_JAR=${NETTY_JAR:-$here/target/netty-hello.jar}
WARMUP=${WARMUP:-10s}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}

die() { echo "wrk-hello: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk not found; install it with: apt-get install -y wrk"
command -v curl >/dev/null || die "curl not found; install it with: apt-get install -y curl"
command -v java >/dev/null || die "java not found"
[[ -f $JETTY_JAR ]] || die "$JETTY_JAR missing; build it with: mvn -f $here/pom.xml package"
[[ -f $NETTY_JAR ]] || die "$NETTY_JAR missing; build it with: mvn -f $here/pom.xml package"
# Absolute, because the servers run in temp dirs.
JETTY_JAR=$(cd "$(dirname "$JETTY_JAR")" && pwd)/$(basename "$JETTY_JAR")
NETTY_JAR=$(cd "$(dirname "$NETTY_JAR")" && pwd)/$(basename "$NETTY_JAR")
export JETTY_JAR NETTY_JAR
if [[ -z ${USHER_CMD:-} ]]; then
    [[ -f $USHER_JAR ]] || die "$USHER_JAR missing; build the runtime first (or set USHER_CMD)"
    USHER_JAR=$(cd "$(dirname "$USHER_JAR")" && pwd)/$(basename "$USHER_JAR")
fi

work=$(mktemp -d -t usher-bench.XXXXXX)
pids=()
wrk_pid=
# stop_servers PID...: TERM, up to 5s to exit, then KILL. Each server runs in its
# own session, so signalling the group also reaches whatever a USHER_CMD wrapper
# shell started.
stop_servers() {
    local pid
    for pid in "$@"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
cleanup() {
    if [[ -n $wrk_pid ]]; then kill "$wrk_pid" 2>/dev/null || true; fi
    if ((${#pids[@]})); then stop_servers "${pids[@]}"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ports come from below the kernel's ephemeral range: wrk's client sockets linger
# in TIME_WAIT on ephemeral ports for a minute and make a later bind() to one of
# them fail. Within that, a port is free when a connect to it is refused (racy in
# principle, but nothing else on a bench box grabs ports in the next second).
# Sets $port rather than printing it, so used_ports survives (no subshell).
read -r ephemeral_lo _ </proc/sys/net/ipv4/ip_local_port_range || ephemeral_lo=32768
used_ports=" "
free_port() {
    while :; do
        port=$((10000 + RANDOM % (ephemeral_lo - 10000)))
        [[ $used_ports == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            used_ports+="$port "
            return
        fi
    done
}

# start NAME PORT DIR COMMAND: runs COMMAND in DIR, output to DIR/server.log;
# sets $started_pid. pids holds the one server running, for cleanup.
start() {
    local name=$1 port=$2 dir=$3 cmd=$4
    mkdir -p "$dir"
    (cd "$dir" && PORT=$port exec setsid bash -c "$cmd" >server.log 2>&1) &
    started_pid=$!
    pids=("$started_pid")
    echo "started $name (pid $started_pid) on 127.0.0.1:$port: $cmd"
}

# Poll instead of sleeping a fixed time: startup time varies with the machine and
# with how long FileInstall takes to pick up the config. Any HTTP answer counts as
# up; a wrong status shows up in wrk's non-2xx count.
wait_up() {
    local name=$1 port=$2 pid=$3 dir=$4 deadline=$((SECONDS + STARTUP_TIMEOUT)) code
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$dir/server.log" >&2 || true
            die "$name exited before answering on port $port"
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/" || true)
        if [[ $code != 000 ]]; then
            echo "$name is up (GET / -> $code)"
            return
        fi
        sleep 0.1
    done
    tail -n 30 "$dir/server.log" >&2 || true
    die "$name did not answer on port $port within ${STARTUP_TIMEOUT}s"
}

# wrk runs in the background and is waited for, because bash holds back traps
# while a foreground child runs, and wrk itself treats Ctrl-C as "stop and
# report": without this an interrupted run would be reported as a result.
bench_wrk() {
    wrk "$@" >"$work/wrk.out" &
    wrk_pid=$!
    wait "$wrk_pid"
    wrk_pid=
}

# run_wrk NAME PORT: prints wrk's report and sets rps_NAME, sock_NAME, non2xx_NAME.
run_wrk() {
    local name=$1 port=$2 out rps sock non2xx
    echo
    echo "== $name: wrk -t1 -c256 -d$DURATION http://127.0.0.1:$port/"
    bench_wrk -t1 -c256 -d"$DURATION" "http://127.0.0.1:$port/" || die "wrk failed against $name"
    out=$(<"$work/wrk.out")
    echo "$out"
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    [[ -n $rps ]] || die "could not find Requests/sec in wrk output for $name"
    # wrk prints these two lines only when the counts are non-zero. Despite its
    # label, wrk's "Non-2xx or 3xx" counts only statuses >= 400.
    sock=$(awk '/Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")
    non2xx=$(awk -F': *' '/Non-2xx or 3xx responses:/ {print $2}' <<<"$out")
    printf -v "rps_$name" '%s' "$rps"
    printf -v "sock_$name" '%s' "${sock:-0}"
    printf -v "non2xx_$name" '%s' "${non2xx:-0}"
}

# bench NAME DIR COMMAND: starts one server on a free port, warms it up, measures
# it, and stops it again before the next one starts.
bench() {
    local name=$1 dir=$2 cmd=$3 port pid
    free_port
    if [[ $name == usher ]]; then write_usher_config "$dir" "$port"; fi
    echo
    start "$name" "$port" "$dir" "$cmd"
    pid=$started_pid
    wait_up "$name" "$port" "$pid" "$dir"
    # The Netty server says which transport (epoll or NIO) it got.
    grep -h '^netty-hello:' "$dir/server.log" 2>/dev/null || true
    # Warm-up lets the JIT compile the hot paths so the measured run compares steady
    # states. On 2 cores Jetty still ran at a third of its speed after a 3s warm-up.
    echo "warming up $name for $WARMUP"
    bench_wrk -t1 -c256 -d"$WARMUP" "http://127.0.0.1:$port/"
    run_wrk "$name" "$port"
    stop_servers "$pid"
    pids=()
}

# The Usher runtime is Felix with FileInstall watching ./etc, so the listen
# address is handed over as a config file in a fresh working directory.
write_usher_config() {
    mkdir -p "$1/etc"
    # accesslog empty: measure the server, not the runtime's default access log (Jetty logs none)
    printf 'listen=127.0.0.1:%s\naccesslog=\n' "$2" >"$1/etc/dev.usher.server.cfg"
}

# \$JVM_OPTS and \$PORT are left for the server's own shell to expand (word splitting
# JVM_OPTS on purpose); the jar paths are quoted for it here.
printf -v usher_jar_q %q "$USHER_JAR"
printf -v jetty_jar_q %q "$JETTY_JAR"
printf -v netty_jar_q %q "$NETTY_JAR"
echo "JVM_OPTS=$JVM_OPTS"
bench usher "$work/usher" "${USHER_CMD:-exec java \$JVM_OPTS -jar $usher_jar_q}"
bench jetty "$work/jetty" "exec java \$JVM_OPTS -jar $jetty_jar_q \$PORT"
bench netty "$work/netty" "exec java \$JVM_OPTS -jar $netty_jar_q \$PORT"

echo
for name in usher jetty netty; do
    r=rps_$name s=sock_$name n=non2xx_$name
    printf '%-6s %12s req/s   socket errors %s   non-2xx %s\n' "$name" "${!r}" "${!s}" "${!n}"
done
# A run that served nothing reports 0 req/s: print n/a rather than divide by it.
ratio() {
    awk -v a="$2" -v b="$3" -v label="$1" \
        'BEGIN { if (b > 0) printf "%-12s %.3f\n", label, a / b; else printf "%-12s n/a\n", label }'
}
ratio usher/jetty "$rps_usher" "$rps_jetty"
ratio usher/netty "$rps_usher" "$rps_netty"

status=0
for name in usher jetty netty; do
    s=sock_$name n=non2xx_$name
    if ((${!s} != 0 || ${!n} != 0)); then
        echo "FAIL: $name had ${!s} socket errors and ${!n} non-2xx responses" >&2
        status=1
    fi
done
exit "$status"
