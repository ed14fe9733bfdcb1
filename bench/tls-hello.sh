#!/usr/bin/env bash
# HTTPS side by side: Usher's hello (TLS through its own transport layer, the JDK's SSLEngine),
# minimal Jetty 12 (SslConnectionFactory, the same SSLEngine) and nginx (OpenSSL), each on the
# same certificate and key, one at a time on loopback, printed as one table:
#
#   c16, c256     keep-alive hello over TLS: req/s at wrk -t1 -c16 / -c256
#   close c16     a new connection per request: wrk -t1 -c16 -H 'Connection: close'
#                 (TCP and TLS handshake each time; wrk's OpenSSL resumes sessions where the
#                 server lets it)
#   full hs/s     full handshakes a second, no resumption: two `openssl s_time -new -www /`
#                 clients at once (each connects, handshakes, GETs / over HTTP/1.0, closes)
#
# followed by Usher's ratios to Jetty and nginx.
#
#   bench/tls-hello.sh [USHER_JAR] [DURATION]
#
# Environment: ROWS (default "usher jetty nginx"), KEY (ec, the default: P-256; or rsa: 2048
# bits), JVM_OPTS (default "-Xms1g -Xmx1g -XX:+UseParallelGC"), WARMUP (default 10s), ROUNDS
# (default 1; the table shows medians), JETTY_JAR, NGINX.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
USHER_JAR=${1:-${USHER_JAR:-$here/../runtime/target/usher.jar}}
DURATION=${2:-${DURATION:-10s}}
export JVM_OPTS=${JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
JETTY_JAR=${JETTY_JAR:-$here/target/jetty-hello.jar}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WARMUP=${WARMUP:-10s}
ROWS=${ROWS:-usher jetty nginx}
ROUNDS=${ROUNDS:-1}
KEY=${KEY:-ec}

say() { echo "$*" >&2; }
die() { say "tls-hello: $*"; exit 1; }

command -v wrk >/dev/null || die "wrk not found: apt-get install -y wrk"
command -v openssl >/dev/null || die "openssl not found: apt-get install -y openssl"
for row in $ROWS; do
    case $row in
    usher) [[ -f $USHER_JAR ]] || die "$USHER_JAR missing: mvn -B -q install -DskipTests" ;;
    jetty) [[ -f $JETTY_JAR ]] || die "$JETTY_JAR missing: mvn -f $here/pom.xml package" ;;
    nginx) [[ -x $NGINX ]] || die "nginx missing: apt-get install -y nginx-light" ;;
    *) die "unknown row $row" ;;
    esac
done
USHER_JAR=$(cd "$(dirname "$USHER_JAR")" && pwd)/$(basename "$USHER_JAR")
JETTY_JAR=$(cd "$(dirname "$JETTY_JAR")" && pwd)/$(basename "$JETTY_JAR")

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# One certificate for all: a self-signed one for 127.0.0.1, its key, and a PKCS#12 for Jetty.
if [[ $KEY == rsa ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
fi
openssl req -x509 -new -key "$work/key.pem" -out "$work/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
openssl pkcs12 -export -in "$work/cert.pem" -inkey "$work/key.pem" -out "$work/keystore.p12" \
    -passout pass:bench -name hello

port=$((20000 + RANDOM % 10000))

start_row() {
    local row=$1 dir=$work/$1
    mkdir -p "$dir"
    port=$((port + 1))
    case $row in
    usher)
        mkdir -p "$dir/etc"
        printf 'listen=127.0.0.1:%s\naccesslog=\ncertfile=%s\nkeyfile=%s\n' "$port" "$work/cert.pem" \
            "$work/key.pem" >"$dir/etc/dev.usher.server.cfg"
        (cd "$dir" && exec setsid java $JVM_OPTS -jar "$USHER_JAR" >server.log 2>&1) & ;;
    jetty)
        (cd "$dir" && exec setsid java $JVM_OPTS -jar "$JETTY_JAR" "$port" "$work/keystore.p12" >server.log 2>&1) & ;;
    nginx)
        {
            echo "worker_processes 1; daemon off; pid $dir/nginx.pid; error_log $dir/error.log warn;"
            echo "events { worker_connections 4096; }"
            echo "http { access_log off; keepalive_requests 100000000;"
            for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $dir/${t}_temp;"; done
            echo "  server { listen 127.0.0.1:$port ssl;"
            echo "    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;"
            echo "    ssl_protocols TLSv1.2 TLSv1.3;"
            echo "    location / { default_type text/plain; return 200 \"Hello, World!\"; } } }"
        } >"$dir/nginx.conf"
        (cd "$dir" && exec setsid "$NGINX" -p "$dir/" -c "$dir/nginx.conf" >server.log 2>&1) & ;;
    esac
    server_pid=$!
    local i
    for i in $(seq 600); do
        if curl -sk -o /dev/null "https://127.0.0.1:$port/" 2>/dev/null; then return; fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    die "$row did not answer on $port"
}

stop_row() {
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

errors=0
# wrk_rate ARGS...: req/s of one wrk run; counts socket errors and non-2xx in $errors.
wrk_rate() {
    local out
    out=$(wrk -t1 "$@" 2>&1)
    if grep -qE "Socket errors|Non-2xx" <<<"$out"; then
        errors=$((errors + 1))
        say "$out"
    fi
    awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out"
}

# handshakes: full handshakes a second, two s_time clients for DURATION.
handshakes() {
    local seconds=${DURATION%s} a b
    a=$(openssl s_time -connect "127.0.0.1:$port" -new -www / -time "$seconds" 2>/dev/null &
        openssl s_time -connect "127.0.0.1:$port" -new -www / -time "$seconds" 2>/dev/null; wait)
    awk '/connections in [0-9.]+ real seconds/ { n += $1; t = $4 } END { if (t > 0) printf "%d", n / t }' <<<"$a"
}

declare -A results
for round in $(seq "$ROUNDS"); do
    for row in $ROWS; do
        say "round $round: $row"
        start_row "$row"
        wrk -t1 -c256 -d"$WARMUP" "https://127.0.0.1:$port/" >/dev/null 2>&1 || true
        c16=$(wrk_rate -c16 -d"$DURATION" "https://127.0.0.1:$port/")
        c256=$(wrk_rate -c256 -d"$DURATION" "https://127.0.0.1:$port/")
        close=$(wrk_rate -c16 -d"$DURATION" -H "Connection: close" "https://127.0.0.1:$port/")
        full=$(handshakes)
        stop_row
        results[$row,c16]+="$c16 "
        results[$row,c256]+="$c256 "
        results[$row,close]+="$close "
        results[$row,full]+="$full "
        say "  c16 $c16  c256 $c256  close $close  full-handshakes/s $full"
    done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-8s %10s %10s %10s %10s\n' row c16 c256 "close c16" "full hs/s"
for row in $ROWS; do
    printf '%-8s %10s %10s %10s %10s\n' "$row" "$(median "${results[$row,c16]}")" "$(median "${results[$row,c256]}")" \
        "$(median "${results[$row,close]}")" "$(median "${results[$row,full]}")"
done
for other in jetty nginx; do
    [[ " $ROWS " == *" usher "* && " $ROWS " == *" $other "* ]] || continue
    printf 'usher/%-5s' "$other"
    for m in c16 c256 close full; do
        awk -v u="$(median "${results[usher,$m]}")" -v o="$(median "${results[$other,$m]}")" \
            'BEGIN { printf " %10.2f", (o > 0 ? u / o : 0) }'
    done
    echo
done
exit $((errors > 0))
