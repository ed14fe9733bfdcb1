#!/usr/bin/env bash
# Issue 10's benchmark: Usher's "hello" against minimal Jetty 12, Netty 4.2 and (if
# installed) nginx servers, and Usher's servlet hello against Apache Felix HTTP Jetty's, one
# at a time on loopback, printed as ONE table (stdout):
#
#   row             one server configuration, hit on one path
#   c16, c256       req/s at wrk -t1 -c16 / -c256
#   pipelined       req/s at wrk -t1 -c$PIPELINE_CONNECTIONS with $PIPELINE_DEPTH requests
#                   per write (bench/pipeline.lua)
#   p99             99th percentile latency of the c256 run (wrk --latency)
#   CPU us/req      server utime+stime (/proc/PID/stat) over the c16 and c256 runs together,
#                   divided by the requests those two runs completed
#   start-up ms     from launching the server (JVM) to its first 200 on the row's path
#
# followed by each usher row's ratios to netty and jetty; when they ran, the access-logging
# rows' ratios to usher-nolog, usher-nolog's to usher-nometrics, each usher row's ratios to
# felix-jetty and usher-servlet's to usher-nolog (the servlet layer's cost). Progress goes to
# stderr.
#
#   bench/wrk-hello.sh [USHER_JAR] [DURATION]
#
# USHER_JAR  default $USHER_JAR, else runtime/target/usher.jar of this repository
# DURATION   default $DURATION, else 10s: each measured wrk run (wrk -d syntax)
#
# Environment:
#   ROWS             rows to run, in this order (default "usher usher-stdout usher-file usher-nolog
#                    usher-blocking jetty netty nginx"):
#                      usher           the runtime as a user starts it: access log on (accesslog=log)
#                      usher-stdout    the same with accesslog=- (standard output, here DIR/server.log)
#                      usher-file      the same with accesslog=DIR/access.log
#                      usher-nolog     the same with accesslog= (no access log)
#                      usher-blocking  usher-nolog, hit on /blocking (the same hello on an application thread)
#                      usher-nometrics usher-nolog with metrics=false (nothing counted per request); not in
#                                      the default rows: ROWS="usher-nolog usher-nometrics" prints the ratio
#                      usher-servlet   usher-nolog hit on /servlet/hello: the same hello as a servlet
#                                      (the runtime's demo servlets, through its servlet whiteboard); not
#                                      in the default rows
#                      jetty, netty    bench/target/{jetty,netty}-hello.jar
#                      felix-jetty     bench/target/felix-jetty-hello.jar: Apache Felix HTTP Jetty 12 (OSGi
#                                      servlet whiteboard) with the demo servlets, hit on /servlet/hello; not
#                                      in the default rows: ROWS="usher-nolog usher-servlet felix-jetty"
#                      nginx           nginx, one worker, access_log off (skipped when nginx is missing)
#   JVM_OPTS         JVM options for the Java servers  (default "-Xms1g -Xmx1g -XX:+UseParallelGC")
#   WARMUP           wrk -c256 warm-up per row before the measured runs (default 10s)
#   STARTUP_TIMEOUT  seconds to wait for a server's first 200 (default 60)
#   PIPELINE_DEPTH, PIPELINE_CONNECTIONS   the pipelined run (default 16 requests per write, c256)
#   JETTY_JAR, NETTY_JAR   the yardsticks (default bench/target/jetty-hello.jar, netty-hello.jar)
#   FELIX_JETTY_JAR  the servlet yardstick (default bench/target/felix-jetty-hello.jar)
#   NGINX            the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
#   USHER_CMD        command starting the usher rows' server instead of the Usher jar; run by
#                    bash in the row's directory (etc/ already written) with PORT, JVM_OPTS,
#                    JETTY_JAR, NETTY_JAR and FELIX_JETTY_JAR exported
#   ROUNDS           how many times to run every row (default 1): the rows take turns, round
#                    after round, and the table shows each figure's median over the rounds, so
#                    that a noisy minute on a shared machine weighs on one round of one row
#   VERBOSE          1: print every wrk report (stderr)
#
# The servers run one at a time (start, first 200, warm up, measure, stop), so none shares
# the cores with another server's JIT or GC threads while it is measured.
#
# Exit status: 0 if no wrk run (warm-ups included) had socket errors or non-2xx responses.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
USHER_JAR=${1:-${USHER_JAR:-$here/../runtime/target/usher.jar}}
DURATION=${2:-${DURATION:-10s}}
export JVM_OPTS=${JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
JETTY_JAR=${JETTY_JAR:-$here/target/jetty-hello.jar}
NETTY_JAR=${NETTY_JAR:-$here/target/netty-hello.jar}
FELIX_JETTY_JAR=${FELIX_JETTY_JAR:-$here/target/felix-jetty-hello.jar}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WARMUP=${WARMUP:-10s}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}
NAP=0.005
PIPELINE_DEPTH=${PIPELINE_DEPTH:-16}
PIPELINE_CONNECTIONS=${PIPELINE_CONNECTIONS:-256}
ROWS=${ROWS:-usher usher-stdout usher-file usher-nolog usher-blocking jetty netty nginx}
VERBOSE=${VERBOSE:-0}
ROUNDS=${ROUNDS:-1}
round=1
PIPELINE_LUA=$here/pipeline.lua
ALL_ROWS=" usher usher-stdout usher-file usher-nolog usher-blocking usher-nometrics usher-servlet jetty netty felix-jetty nginx "

say() { echo "$*" >&2; }
die() { say "wrk-hello: $*"; exit 1; }

# absolute FILE: FILE's absolute path, since the servers run in their own directories.
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# Fail before any server starts if a selected row cannot run; a missing nginx only skips
# its row, since nginx is an optional yardstick.
check_setup() {
    local row seen=" "
    command -v wrk >/dev/null || die "wrk not found; install it with: apt-get install -y wrk"
    [[ -f $PIPELINE_LUA ]] || die "$PIPELINE_LUA missing"
    for row in $ROWS; do
        [[ $ALL_ROWS == *" $row "* ]] || die "unknown row '$row' in ROWS; rows:$ALL_ROWS"
        [[ $seen != *" $row "* ]] || die "row '$row' twice in ROWS"
        seen+="$row "
        case $row in
        usher*)
            command -v java >/dev/null || die "java not found"
            if [[ -z ${USHER_CMD:-} ]]; then
                [[ -f $USHER_JAR ]] || die "$USHER_JAR missing; build the runtime first (or set USHER_CMD)"
                USHER_JAR=$(absolute "$USHER_JAR")
            fi ;;
        jetty)
            [[ -f $JETTY_JAR ]] || die "$JETTY_JAR missing; build it with: mvn -f $here/pom.xml package" ;;
        netty)
            [[ -f $NETTY_JAR ]] || die "$NETTY_JAR missing; build it with: mvn -f $here/pom.xml package" ;;
        felix-jetty)
            [[ -f $FELIX_JETTY_JAR ]] || die "$FELIX_JETTY_JAR missing; build it with: mvn -f $here/pom.xml package" \
                "(after mvn install -pl bundles/demo-servlet -am)" ;;
        esac
    done
    # Exported for USHER_CMD, whichever rows run.
    if [[ -f $JETTY_JAR ]]; then JETTY_JAR=$(absolute "$JETTY_JAR"); fi
    if [[ -f $NETTY_JAR ]]; then NETTY_JAR=$(absolute "$NETTY_JAR"); fi
    if [[ -f $FELIX_JETTY_JAR ]]; then FELIX_JETTY_JAR=$(absolute "$FELIX_JETTY_JAR"); fi
    export JETTY_JAR NETTY_JAR FELIX_JETTY_JAR
    CLK_TCK=$(getconf CLK_TCK)
}

work=
pids=()
wrk_pid=
# stop_servers PID...: TERM, up to 5s to exit, then KILL. Each server runs in its own
# session and process group, so signalling the group also reaches nginx's worker and
# whatever a USHER_CMD wrapper shell started.
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
    if [[ -n $work ]]; then rm -rf "$work"; fi
}

# Ports come from below the kernel's ephemeral range: wrk's client sockets linger in
# TIME_WAIT on ephemeral ports for a minute and make a later bind() to one of them fail.
# Within that, a port is free when a connect to it is refused (racy in principle, but
# nothing else on a bench box grabs ports in the next second). Sets $port rather than
# printing it, so used_ports survives (no subshell).
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

# The Usher runtime is Felix with FileInstall watching ./etc, so the settings are handed
# over as a config file in the row's fresh working directory. The usher row keeps the
# runtime's default access log (accesslog=log: the Log Service, whose console writes to
# standard output, here DIR/server.log); usher-stdout and usher-file choose the other two
# destinations; the rest log nothing, as Jetty, Netty and nginx here log nothing.
write_usher_config() {
    local row=$1 dir=$2 port=$3
    mkdir -p "$dir/etc"
    printf 'listen=127.0.0.1:%s\n' "$port" >"$dir/etc/dev.usher.server.cfg"
    case $row in
    usher) ;;
    usher-stdout) printf 'accesslog=-\n' >>"$dir/etc/dev.usher.server.cfg" ;;
    usher-file) printf 'accesslog=%s\n' "$dir/access.log" >>"$dir/etc/dev.usher.server.cfg" ;;
    usher-nometrics) printf 'accesslog=\nmetrics=false\n' >>"$dir/etc/dev.usher.server.cfg" ;;
    *) printf 'accesslog=\n' >>"$dir/etc/dev.usher.server.cfg" ;;
    esac
}

# nginx-light as a yardstick written in C: one worker, no access log. keepalive_requests
# is raised because nginx otherwise closes a keep-alive connection after 1000 requests,
# which the Java servers never do. The temp paths point into DIR so that nginx runs
# without root and never touches /var/lib/nginx.
write_nginx_config() {
    local dir=$1 port=$2 t
    mkdir -p "$dir"
    {
        echo "worker_processes 1;"
        echo "daemon off;"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http {"
        echo "    access_log off;"
        echo "    keepalive_requests 100000000;"
        for t in client_body proxy fastcgi uwsgi scgi; do echo "    ${t}_temp_path $dir/${t}_temp;"; done
        echo "    server {"
        echo "        listen 127.0.0.1:$port;"
        echo "        location / { default_type text/plain; return 200 \"Hello, World!\"; }"
        echo "    }"
        echo "}"
    } >"$dir/nginx.conf"
}

# row_path ROW: the path wrk and the start-up poll hit.
row_path() {
    case $1 in
    usher-blocking) echo /blocking ;;
    usher-servlet | felix-jetty) echo /servlet/hello ;;
    *) echo / ;;
    esac
}

# prepare_row ROW DIR PORT: writes the row's configuration into DIR and sets $row_cmd, the
# command its server's shell runs. \$JVM_OPTS and \$PORT are left for that shell to expand
# (word splitting JVM_OPTS on purpose); paths are quoted for it here.
prepare_row() {
    local row=$1 dir=$2 port=$3 q
    mkdir -p "$dir"
    case $row in
    usher*)
        write_usher_config "$row" "$dir" "$port"
        printf -v q %q "$USHER_JAR"
        row_cmd=${USHER_CMD:-"exec java \$JVM_OPTS -jar $q"} ;;
    jetty)
        printf -v q %q "$JETTY_JAR"
        row_cmd="exec java \$JVM_OPTS -jar $q \$PORT" ;;
    netty)
        printf -v q %q "$NETTY_JAR"
        row_cmd="exec java \$JVM_OPTS -jar $q \$PORT" ;;
    felix-jetty)
        printf -v q %q "$FELIX_JETTY_JAR"
        row_cmd="exec java \$JVM_OPTS -jar $q \$PORT" ;;
    nginx)
        write_nginx_config "$dir" "$port"
        printf -v q '%q -p %q -c %q' "$NGINX" "$dir/" "$dir/nginx.conf"
        row_cmd="exec $q" ;;
    esac
}

# start ROW PORT DIR COMMAND: runs COMMAND in DIR in a session of its own, output to
# DIR/server.log, and sets $started_pid (the server's pid: setsid and the shell exec into
# it). Just before the exec the server's shell writes the time into DIR/launch.us, with
# bash's $EPOCHREALTIME (the clock date +%s%N reads) because date would be a fork between
# the time taken and the launch.
start() {
    local row=$1 port=$2 dir=$3 cmd=$4
    # shellcheck disable=SC2016 # expanded by the server's shell, just before it execs
    local stamp='printf "%s\n" "${EPOCHREALTIME/[.,]/}" >launch.us; '
    # The server need not hold the poll's nap FIFO open.
    (exec {nap_fd}>&- && cd "$dir" && PORT=$port exec setsid bash -c "$stamp$cmd" >server.log 2>&1) &
    started_pid=$!
    pids=("$started_pid")
    say "started $row (pid $started_pid) on 127.0.0.1:$port: $cmd"
}

# probe PORT PATH: one GET on a new connection, with bash's /dev/tcp rather than curl,
# which on a busy 2-core machine took 40-150 ms a call to start, too slow a clock for
# start-ups of a second or two. Sets $code to the response's status, 000 when there is
# none (refused, closed, or no status line within a second).
probe() {
    local port=$1 path=$2 fd line
    code=000
    { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&"$fd" 2>/dev/null &&
        read -r -t 1 -u "$fd" line 2>/dev/null && [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && code=${BASH_REMATCH[1]}
    exec {fd}>&-
    return 0
}

# nap: sleeps NAP seconds without a fork (read -t on a FIFO nobody writes to), so that
# the poll does not cost a process start between probes either.
nap() { read -r -t "$NAP" -u "$nap_fd" _ || true; }

# wait_first_200 ROW PORT PATH PID DIR: probes until PATH answers 200 and sets
# startup_ms[ROW.ROUND] to the time since DIR/launch.us. Polling every ~5 ms (the mean interval
# is printed) rather than waiting for a log line, because what a user waits for is the
# first answer, and a server may listen before its application is there.
wait_first_200() {
    local row=$1 port=$2 path=$3 pid=$4 dir=$5 deadline=$((SECONDS + STARTUP_TIMEOUT))
    local polls=0 first_poll=${EPOCHREALTIME/[.,]/} up launched every
    code=000
    # A write to a connection the server has just reset must not kill this shell; the
    # servers are already running, so they do not inherit the ignored SIGPIPE.
    trap '' PIPE
    while ((SECONDS < deadline)); do
        probe "$port" "$path"
        polls=$((polls + 1))
        if [[ $code == 200 ]]; then
            up=${EPOCHREALTIME/[.,]/}
            trap - PIPE
            launched=$(<"$dir/launch.us")
            startup_ms[$row.$round]=$(((up - launched) / 1000))
            every=$(((up - first_poll) / polls / 100)) # tenths of a ms
            say "$row: first 200 on $path after ${startup_ms[$row.$round]} ms" \
                "(polled $polls times, every $((every / 10)).$((every % 10)) ms)"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$dir/server.log" >&2 || true
            die "$row exited before answering 200 on $path"
        fi
        nap
    done
    tail -n 30 "$dir/server.log" >&2 || true
    die "$row did not answer 200 on $path within ${STARTUP_TIMEOUT}s (last status $code)"
}

# session_ticks SID: sets $ticks to utime+stime (clock ticks) of all processes in session
# SID: the JVM, or nginx's master and worker (a parent's stat holds its children's time
# only once they have exited). Sets a variable rather than printing, to run without a fork.
session_ticks() {
    local sid=$1 stat line f
    ticks=0
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue
        # fields after "(comm) ", which may itself hold spaces: f[0] is field 3 (state),
        # f[3] field 6 (session), f[11] and f[12] fields 14 and 15 (utime, stime)
        read -ra f <<<"${line##*) }"
        if ((f[3] == sid)); then ticks=$((ticks + f[11] + f[12])); fi
    done
}

# wrk runs in the background and is waited for, because bash holds back traps while a
# foreground child runs, and wrk itself treats Ctrl-C as "stop and report": without this
# an interrupted run would be reported as a result.
bench_wrk() {
    local out=$1
    shift
    wrk "$@" >"$out" &
    wrk_pid=$!
    wait "$wrk_pid"
    wrk_pid=
}

# run_wrk ROW RUN WRK_ARGS...: one wrk -t1 run; records rps, requests and p99 (ms) under
# ROW.RUN.ROUND and any socket errors or non-2xx responses in $failures.
run_wrk() {
    local row=$1 run=$2 out parsed rps reqs p99 sock non2xx
    shift 2
    out=$work/$row.$run.wrk
    bench_wrk "$out" -t1 "$@" || die "wrk failed against $row ($run): wrk -t1 $*"
    if [[ $VERBOSE == 1 ]]; then say "== $row $run: wrk -t1 $*"; cat "$out" >&2; fi
    # wrk prints the error lines only when their counts are non-zero. Despite its label,
    # wrk's "Non-2xx or 3xx" counts only statuses >= 400. Latency percentiles come in
    # wrk's units (us, ms, s, m) and are turned into ms.
    parsed=$(awk '
        /^Requests\/sec:/ { rps = $2 }
        / requests in / { reqs = $1 }
        $1 == "99%" { p = $2 }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) sock += $i }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        END {
            ms = "-"
            if (p ~ /us$/) ms = p / 1000; else if (p ~ /ms$/) ms = p + 0
            else if (p ~ /m$/) ms = p * 60000; else if (p ~ /s$/) ms = p * 1000
            print (rps == "" ? "-" : rps), (reqs == "" ? 0 : reqs), ms, sock + 0, non2xx + 0
        }' "$out")
    read -r rps reqs p99 sock non2xx <<<"$parsed"
    [[ $rps != - ]] || { cat "$out" >&2; die "no Requests/sec in wrk's report for $row ($run)"; }
    rps_of[$row.$run.$round]=$rps
    reqs_of[$row.$run.$round]=$reqs
    p99_of[$row.$run.$round]=$p99
    errors_of[$row]=$((errors_of[$row] + sock + non2xx))
    say "$(printf '%-15s %-9s %10.0f req/s %10s requests  socket errors %s  non-2xx %s%s' \
        "$row" "$run" "$rps" "$reqs" "$sock" "$non2xx" "$([[ $p99 == - ]] || echo "  p99 $p99 ms")")"
    if ((sock != 0 || non2xx != 0)); then
        if [[ $VERBOSE != 1 ]]; then cat "$out" >&2; fi
        failures+=("$row $run, round $round (wrk -t1 $*): $sock socket errors, $non2xx non-2xx responses")
    fi
}

# bench_row ROW: one row from start to stop, in a fresh directory on a fresh port.
bench_row() {
    local row=$1 dir=$work/$1 port pid path url before
    free_port
    path=$(row_path "$row")
    url=http://127.0.0.1:$port$path
    prepare_row "$row" "$dir" "$port"
    if ((round == 1)); then errors_of[$row]=0; fi
    say
    start "$row" "$port" "$dir" "$row_cmd"
    pid=$started_pid
    wait_first_200 "$row" "$port" "$path" "$pid" "$dir"
    # The Netty server says which transport (epoll or NIO) it got.
    grep -h '^netty-hello:' "$dir/server.log" >&2 2>/dev/null || true
    # Warm-up lets the JIT compile the hot paths so the measured runs compare steady
    # states. On 2 cores Jetty still ran at a third of its speed after a 3s warm-up.
    run_wrk "$row" warmup -c256 -d"$WARMUP" "$url"
    session_ticks "$pid"
    before=$ticks
    run_wrk "$row" c16 -c16 -d"$DURATION" "$url"
    run_wrk "$row" c256 -c256 -d"$DURATION" --latency "$url"
    session_ticks "$pid"
    cpu_us_of[$row.$round]=$(awk -v t=$((ticks - before)) -v hz="$CLK_TCK" \
        -v n=$((reqs_of[$row.c16.$round] + reqs_of[$row.c256.$round])) 'BEGIN { print (n > 0 ? t / hz * 1e6 / n : "-") }')
    run_wrk "$row" pipelined -c"$PIPELINE_CONNECTIONS" -d"$DURATION" -s "$PIPELINE_LUA" "$url" -- "$PIPELINE_DEPTH"
    stop_servers "$pid"
    pids=()
}

# median VALUE...: the median of the values ("-" ignored; the mean of the middle two of an
# even count), or "-" when there is none.
median() {
    printf '%s\n' "$@" | awk '$1 != "-" { v[n++] = $1 + 0 }
        END {
            if (n == 0) { print "-"; exit }
            for (i = 1; i < n; i++) for (j = i; j > 0 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            print (n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2)
        }'
}

# summarize_key ARRAY KEY: sets ARRAY[KEY] to the median of ARRAY[KEY.1] ... ARRAY[KEY.ROUNDS].
summarize_key() {
    local -n figures=$1
    local key=$2 r values=()
    for ((r = 1; r <= ROUNDS; r++)); do values+=("${figures[$key.$r]:--}"); done
    figures[$key]=$(median "${values[@]}")
}

# summarize: each row's figures, the median over the rounds, under ROW.RUN (rps, p99) and
# ROW (CPU, start-up), which the table and the ratios read.
summarize() {
    local row run
    for row in $ROWS; do
        [[ -z ${skipped_of[$row]:-} ]] || continue
        for run in c16 c256 pipelined; do
            summarize_key rps_of "$row.$run"
            summarize_key p99_of "$row.$run"
        done
        summarize_key cpu_us_of "$row"
        summarize_key startup_ms "$row"
    done
}

print_table() {
    local row fmt='%-15s %11s %11s %11s %9s %11s %11s %6s\n'
    echo "JVM_OPTS=$JVM_OPTS; wrk -t1, $DURATION per measured run, after a $WARMUP warm-up at c256, on the row's path"
    if ((ROUNDS > 1)); then
        echo "each figure: the median of $ROUNDS rounds, the rows taking turns in each"
    fi
    echo "pipelined: c$PIPELINE_CONNECTIONS, $PIPELINE_DEPTH requests per write; p99: of the c256 run;" \
        "CPU: server utime+stime over the c16 and c256 runs / their requests"
    echo "start-up: server launch to its first 200 on the row's path, fresh directory;" \
        "errors: socket errors + non-2xx over all the row's wrk runs, warm-up included"
    # shellcheck disable=SC2059 # the format is ours
    printf "$fmt" row "c16 req/s" "c256 req/s" "pipelined" "p99 ms" "CPU us/req" "start-up ms" errors
    for row in $ROWS; do
        if [[ -n ${skipped_of[$row]:-} ]]; then
            printf '%-15s %s\n' "$row" "skipped: ${skipped_of[$row]}"
            continue
        fi
        # shellcheck disable=SC2059
        printf "$fmt" "$row" "$(num "${rps_of[$row.c16]}" 0)" "$(num "${rps_of[$row.c256]}" 0)" \
            "$(num "${rps_of[$row.pipelined]}" 0)" "$(num "${p99_of[$row.c256]}" 2)" \
            "$(num "${cpu_us_of[$row]}" 1)" "$(num "${startup_ms[$row]}" 0)" "${errors_of[$row]}"
    done
}

# num VALUE DECIMALS: VALUE rounded, or "-" when there is none.
# shellcheck disable=SC2059 # the precision is ours
num() { if [[ $1 == - ]]; then echo -; else printf "%.${2}f" "$1"; fi; }

# ratio A B: A/B to 3 decimals, n/a when either is missing or B is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && a != "" && b != "-" && b + 0 > 0) printf "%.3f", a / b; else printf "n/a" }'; }

# print_ratios: each usher row against netty and jetty; n/a where a yardstick did not run.
print_ratios() {
    local row yard col cells
    local fmt='%-15s %10s %10s %10s %10s %10s %10s %10s %10s\n'
    [[ " $ROWS " == *" usher"* ]] || return 0
    echo
    echo "usher rows / yardstick (req/s: above 1 is faster; CPU us/req: below 1 is cheaper)"
    # shellcheck disable=SC2059
    printf "$fmt" row c16/netty c16/jetty c256/netty c256/jetty pipe/netty pipe/jetty cpu/netty cpu/jetty
    for row in $ROWS; do
        [[ $row == usher* ]] || continue
        cells=()
        for col in c16 c256 pipelined; do
            for yard in netty jetty; do
                cells+=("$(ratio "${rps_of[$row.$col]:-}" "${rps_of[$yard.$col]:-}")")
            done
        done
        for yard in netty jetty; do
            cells+=("$(ratio "${cpu_us_of[$row]:-}" "${cpu_us_of[$yard]:-}")")
        done
        # shellcheck disable=SC2059
        printf "$fmt" "$row" "${cells[@]}"
    done
}

# ratio_cells ROW BASE: sets cells to ROW's req/s over BASE's for c16, c256 and pipelined, and
# ROW's CPU per request over BASE's: one table row of ratios.
ratio_cells() {
    local row=$1 base=$2 col
    cells=()
    for col in c16 c256 pipelined; do
        cells+=("$(ratio "${rps_of[$row.$col]:-}" "${rps_of[$base.$col]:-}")")
    done
    cells+=("$(ratio "${cpu_us_of[$row]:-}" "${cpu_us_of[$base]:-}")")
}

# print_log_ratios: each access-logging usher row against usher-nolog (issue 10 asks for
# at least 0.9 at c16 and c256 and 0.75 pipelined), when usher-nolog ran.
print_log_ratios() {
    local row col cells fmt='%-15s %10s %10s %10s %10s\n'
    [[ -n ${rps_of[usher-nolog.c16]:-} ]] || return 0
    [[ " $ROWS " =~ \ (usher|usher-stdout|usher-file)\  ]] || return 0
    echo
    echo "access-log rows / usher-nolog (req/s; CPU us/req)"
    # shellcheck disable=SC2059
    printf "$fmt" row c16 c256 pipelined cpu
    for row in $ROWS; do
        case $row in usher | usher-stdout | usher-file) ;; *) continue ;; esac
        ratio_cells "$row" usher-nolog
        # shellcheck disable=SC2059
        printf "$fmt" "$row" "${cells[@]}"
    done
}

# print_metrics_ratio: usher-nolog (counting, the default) against usher-nometrics (metrics=false),
# when both ran: issue 13 allows counting to cost at most 3 %.
print_metrics_ratio() {
    local col cells fmt='%-15s %10s %10s %10s %10s\n'
    [[ -n ${rps_of[usher-nolog.c16]:-} && -n ${rps_of[usher-nometrics.c16]:-} ]] || return 0
    echo
    echo "metrics on / off: usher-nolog / usher-nometrics (req/s; CPU us/req)"
    # shellcheck disable=SC2059
    printf "$fmt" row c16 c256 pipelined cpu
    ratio_cells usher-nolog usher-nometrics
    # shellcheck disable=SC2059
    printf "$fmt" "usher-nolog" "${cells[@]}"
}

# print_felix_ratios: each usher row against felix-jetty, when it ran: the servlet rows side by
# side (usher-servlet / felix-jetty), and the plain rows against a servlet container.
print_felix_ratios() {
    local row col cells fmt='%-15s %10s %10s %10s %10s\n'
    [[ -n ${rps_of[felix-jetty.c16]:-} ]] || return 0
    [[ " $ROWS " == *" usher"* ]] || return 0
    echo
    echo "usher rows / felix-jetty (req/s: above 1 is faster; CPU us/req: below 1 is cheaper)"
    # shellcheck disable=SC2059
    printf "$fmt" row c16 c256 pipelined cpu
    for row in $ROWS; do
        [[ $row == usher* ]] || continue
        ratio_cells "$row" felix-jetty
        # shellcheck disable=SC2059
        printf "$fmt" "$row" "${cells[@]}"
    done
}

# print_servlet_ratio: usher-servlet against usher-nolog, when both ran: the same hello's bytes
# through the servlet whiteboard and through Usher's own contract, so what the servlet layer costs.
print_servlet_ratio() {
    local col cells fmt='%-15s %10s %10s %10s %10s\n'
    [[ -n ${rps_of[usher-servlet.c16]:-} && -n ${rps_of[usher-nolog.c16]:-} ]] || return 0
    echo
    echo "servlet layer: usher-servlet / usher-nolog (req/s; CPU us/req)"
    # shellcheck disable=SC2059
    printf "$fmt" row c16 c256 pipelined cpu
    ratio_cells usher-servlet usher-nolog
    # shellcheck disable=SC2059
    printf "$fmt" "usher-servlet" "${cells[@]}"
}

main() {
    local row
    check_setup
    work=$(mktemp -d -t usher-bench.XXXXXX)
    trap cleanup EXIT
    mkfifo "$work/nap"
    exec {nap_fd}<>"$work/nap"
    trap 'exit 130' INT TERM
    declare -gA rps_of=() reqs_of=() p99_of=() cpu_us_of=() startup_ms=() errors_of=() skipped_of=()
    failures=()
    [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number, not '$ROUNDS'"
    say "JVM_OPTS=$JVM_OPTS  ROWS=$ROWS  DURATION=$DURATION  WARMUP=$WARMUP  ROUNDS=$ROUNDS"
    for ((round = 1; round <= ROUNDS; round++)); do
        ((ROUNDS == 1)) || say "== round $round of $ROUNDS"
        for row in $ROWS; do
            if [[ $row == nginx && ! -x $NGINX ]]; then
                skipped_of[$row]="nginx not installed (apt-get install -y nginx-light)"
                say "nginx: skipped, not installed"
                continue
            fi
            bench_row "$row"
        done
    done
    summarize
    say
    print_table
    print_ratios
    print_log_ratios
    print_metrics_ratio
    print_felix_ratios
    print_servlet_ratio
    if ((${#failures[@]})); then
        printf 'FAIL: %s\n' "${failures[@]}" >&2
        exit 1
    fi
}

main
