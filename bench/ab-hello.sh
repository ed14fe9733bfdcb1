#!/usr/bin/env bash
# A/B of two Usher configurations on the hello, for differences smaller than this machine's
# noise between whole wrk-hello.sh rows: both servers run at once (each idle while the other is
# measured), warmed up, then measured in many short wrk runs that alternate A, B, B, A, ... and
# each pair's ratio is taken. Prints the median and the quartiles of the ratios A/B per load.
#
#   bench/ab-hello.sh 'SETTINGS_A' 'SETTINGS_B' [PAIRS] [SECONDS]
#
# SETTINGS_*  lines for etc/dev.usher.server.cfg besides listen, separated by ';'
#             e.g. bench/ab-hello.sh 'accesslog=' 'accesslog=;metrics=false'
# PAIRS       runs of each configuration per load (default 15)
# SECONDS     each run's length (default 4)
#
# Environment: USHER_JAR (default runtime/target/usher.jar), JVM_OPTS (default as wrk-hello.sh),
# LOADS (default "c16 c256 pipelined": wrk -t1 -c16, -c256, and -c256 with 16 requests a write).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
USHER_JAR=${USHER_JAR:-$here/../runtime/target/usher.jar}
JVM_OPTS=${JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
LOADS=${LOADS:-c16 c256 pipelined}
settings_a=${1:?settings of A}
settings_b=${2:?settings of B}
pairs=${3:-15}
seconds=${4:-4}
work=$(mktemp -d -t usher-ab.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME SETTINGS: a server in $work/NAME; sets port_NAME
start() {
    local name=$1 settings=$2 port
    port=$(free_port)
    mkdir -p "$work/$name/etc"
    { echo "listen=127.0.0.1:$port"; tr ';' '\n' <<<"$settings"; } >"$work/$name/etc/dev.usher.server.cfg"
    # shellcheck disable=SC2086 # JVM_OPTS is split on purpose
    (cd "$work/$name" && exec java $JVM_OPTS -jar "$USHER_JAR" >server.log 2>&1) &
    pids+=($!)
    printf -v "port_$name" %s "$port"
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.1
    done
    echo "server $name did not answer on $port" >&2
    exit 1
}

# rps LOAD PORT SECONDS: wrk's requests/s
rps() {
    local load=$1 port=$2 duration=$3 args
    case $load in
    c16) args=(-c16) ;;
    c256) args=(-c256) ;;
    pipelined) args=(-c256 -s "$here/pipeline.lua") ;;
    *) echo "unknown load $load" >&2; exit 1 ;;
    esac
    wrk -t1 "${args[@]}" -d"${duration}s" "http://127.0.0.1:$port/" | awk '/^Requests\/sec/ {print $2}'
}

start a "$settings_a"
start b "$settings_b"
echo "A: $settings_a  B: $settings_b  (${pairs} pairs of ${seconds}s runs per load; JVM_OPTS=$JVM_OPTS)"
for load in $LOADS; do
    rps "$load" "$port_a" 8 >/dev/null
    rps "$load" "$port_b" 8 >/dev/null
    ratios=()
    for ((i = 0; i < pairs; i++)); do
        if ((i % 2 == 0)); then
            ra=$(rps "$load" "$port_a" "$seconds"); rb=$(rps "$load" "$port_b" "$seconds")
        else
            rb=$(rps "$load" "$port_b" "$seconds"); ra=$(rps "$load" "$port_a" "$seconds")
        fi
        ratios+=("$(awk -v a="$ra" -v b="$rb" 'BEGIN {printf "%.4f", a / b}')")
        echo "  $load pair $((i + 1)): A $ra  B $rb  A/B ${ratios[-1]}" >&2
    done
    printf '%s\n' "${ratios[@]}" | sort -n | awk -v load="$load" '
        { r[NR] = $1 }
        END {
            printf "%-10s A/B median %.3f  quartiles %.3f-%.3f  (%d pairs)\n", load, r[int((NR + 1) / 2)],
                r[int((NR + 3) / 4)], r[int((3 * NR + 3) / 4)], NR
        }'
done
