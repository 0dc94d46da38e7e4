#!/usr/bin/env bash
# Makes the benchmark captures for bench/run.mjs: real wrk -> nginx HTTP/1.1
# traffic on 127.0.0.1, recorded with `tcpdump -i lo -s 0`.
#
#   bench/out/keepalive.pcap  REST-like mix over 8 keep-alive connections: wrk -t 2
#                             -c 8, stops after 400k responses or 12 s (~1.2M packets)
#   bench/out/close.pcap      the same mix with "Connection: close", one short
#                             connection per request: 90k responses or 8 s (~1M packets)
#   bench/out/keepalive-mtu1500.pcap  (optional, only when named) like keepalive, but
#                             in a private network namespace whose loopback has MTU
#                             1500 and TSO/GSO off: Ethernet-sized packets (~3x more)
#   bench/out/<name>.log      wrk, tcpdump and nginx access-log summaries
#   bench/out/<name>.meta.json packets, bytes, drops, and nginx's access-log request
#                             count ("nginxRequests"): the ground-truth number of HTTP
#                             transactions in the capture (bench/run.mjs compares with it)
#
# Everything stays on 127.0.0.1 (keepalive-mtu1500: on the loopback of a network
# namespace made and deleted by this script); every load is bounded in time (wrk -d plus an
# outer `timeout`). nginx runs with bench/nginx.conf.in under a temporary prefix
# (the system nginx config and service are not used); nginx and tcpdump are
# started by this script and stopped by their PIDs. A capture that already
# exists is kept unless --force is given. Needs root (tcpdump on lo, apt-get).
#
# Usage: bench/make-capture.sh [--force] [keepalive|close|keepalive-mtu1500 ...]
#        (default: keepalive close)
# Env:   PORT=18080 THREADS=2 KA_TARGET=400000 KA_SECONDS=12 KA_CONNS=8
#        CLOSE_TARGET=90000 CLOSE_SECONDS=8 CLOSE_CONNS=8   (TARGET=0: time bound only)
# On a slower machine the time bound ends the run first and the captures are smaller.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/out"
PORT=${PORT:-18080}
THREADS=${THREADS:-2}
KA_TARGET=${KA_TARGET:-400000}
KA_SECONDS=${KA_SECONDS:-12}
KA_CONNS=${KA_CONNS:-8}
CLOSE_TARGET=${CLOSE_TARGET:-90000}
CLOSE_SECONDS=${CLOSE_SECONDS:-8}
CLOSE_CONNS=${CLOSE_CONNS:-8}

FORCE=0
CAPTURES=()
for a in "$@"; do
    case "$a" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
        keepalive|close|keepalive-mtu1500) CAPTURES+=("$a") ;;
        *) echo "unknown argument: $a (expected --force, keepalive, close, keepalive-mtu1500)" >&2; exit 2 ;;
    esac
done
[ ${#CAPTURES[@]} -gt 0 ] || CAPTURES=(keepalive close)

TODO=()
for c in "${CAPTURES[@]}"; do
    if [ "$FORCE" = 1 ] || [ ! -s "$OUT/$c.pcap" ]; then
        TODO+=("$c")
    else
        echo "== $c: $OUT/$c.pcap exists (use --force to re-make it)"
    fi
done
[ ${#TODO[@]} -gt 0 ] || exit 0

# ---- tools (Debian packages) ---------------------------------------------------
POLICY_RC=""
ensure_tools() {
    local pkgs=()
    command -v nginx   >/dev/null || pkgs+=(nginx-light)
    command -v wrk     >/dev/null || pkgs+=(wrk)
    command -v tcpdump >/dev/null || pkgs+=(tcpdump)
    [ -x /usr/bin/time ]          || pkgs+=(time)   # peak RSS in bench/run.mjs
    if [[ " ${TODO[*]} " == *" keepalive-mtu1500 "* ]]; then
        command -v ip      >/dev/null || pkgs+=(iproute2)
        command -v ethtool >/dev/null || pkgs+=(ethtool)
    fi
    [ ${#pkgs[@]} -gt 0 ] || return 0
    if [ "$(id -u)" != 0 ]; then
        echo "missing ${pkgs[*]}: run as root or apt-get install them" >&2; exit 1
    fi
    echo "== installing ${pkgs[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    # do not let the nginx package start the system service (it would listen on :80)
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC=/usr/sbin/policy-rc.d
    fi
    apt-get install -y --no-install-recommends "${pkgs[@]}" ||
        { apt-get update && apt-get install -y --no-install-recommends "${pkgs[@]}"; }
    if [ -n "$POLICY_RC" ]; then rm -f "$POLICY_RC"; POLICY_RC=""; fi
    if [ -d /run/systemd/system ] && [[ " ${pkgs[*]} " == *" nginx-light "* ]]; then
        systemctl disable --now nginx.service 2>/dev/null || true
    fi
}

WORK=""
NGINX_PID=""
TCPDUMP_PID=""
NETNS=""   # the network namespace of keepalive-mtu1500 while it exists
NSX=()     # empty, or (ip netns exec NAME): runs a command in it (exec: $! stays its PID)
cleanup() {   # only what this script started and has not reaped yet
    local pid
    for pid in "$TCPDUMP_PID" "$NGINX_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "$NETNS" ]; then ip netns del "$NETNS" 2>/dev/null || true; fi
    if [ -n "$POLICY_RC" ]; then rm -f "$POLICY_RC"; fi
    if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_tools
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/tapwatch-bench.XXXXXX)"

# ---- static JSON content (deterministic) + nginx config ------------------------
mkdir -p "$WORK"/www/data/{users,orders,products} "$WORK"/{logs,run,tmp}
awk -v www="$WORK/www" '
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % n }
function word(   w, i, n) {
    n = 3 + rnd(8); w = ""
    for (i = 0; i < n; i++) w = w substr("abcdefghijklmnopqrstuvwxyz", 1 + rnd(26), 1)
    return w
}
function put(path, body) { printf "%s\n", body > (www "/" path); close(www "/" path) }
function user(id) {
    return sprintf("{\"id\":%d,\"name\":\"%s %s\",\"email\":\"user%d@example.test\",\"created_at\":\"2024-%02d-%02dT%02d:%02d:00Z\",\"locale\":\"de-DE\",\"roles\":[\"%s\"],\"active\":%s,\"address\":{\"street\":\"%d %s street\",\"city\":\"%s\",\"zip\":\"%05d\"}}", \
        id, word(), word(), id, 1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), (id % 7) ? "member" : "admin", (id % 5) ? "true" : "false", 1 + rnd(200), word(), word(), rnd(99999))
}
function item(i) {
    return sprintf("{\"line\":%d,\"sku\":\"SKU-%05d\",\"title\":\"%s %s\",\"qty\":%d,\"unit_price\":%d.%02d,\"warehouse\":\"%s\"}", \
        i, rnd(99999), word(), word(), 1 + rnd(5), 1 + rnd(400), rnd(100), word())
}
function order(id,   s, i, n) {
    n = 8 + (id * 7) % 20
    s = sprintf("{\"id\":%d,\"customer_id\":%d,\"status\":\"%s\",\"currency\":\"EUR\",\"items\":[", id, 1 + rnd(50), (id % 4) ? "shipped" : "open")
    for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") item(i)
    return s sprintf("],\"total\":%d.%02d}", 10 + rnd(5000), rnd(100))
}
function product(id) {
    return sprintf("{\"id\":%d,\"sku\":\"SKU-%05d\",\"name\":\"%s %s\",\"description\":\"%s %s %s %s\",\"price\":%d.%02d,\"stock\":%d,\"tags\":[\"%s\",\"%s\"]}", \
        id, rnd(99999), word(), word(), word(), word(), word(), word(), 1 + rnd(400), rnd(100), rnd(1000), word(), word())
}
BEGIN {
    seed = 42
    for (i = 1; i <= 50; i++) put("data/users/" i ".json", user(i))
    for (i = 1; i <= 20; i++) put("data/orders/" i ".json", order(i))
    s = "{\"orders\":["
    for (i = 1; i <= 40; i++) s = s (i > 1 ? "," : "") sprintf("{\"id\":%d,\"status\":\"%s\",\"total\":%d.%02d}", i, (i % 4) ? "shipped" : "open", 10 + rnd(5000), rnd(100))
    put("data/orders.json", s "]}")
    for (p = 1; p <= 5; p++) {
        s = sprintf("{\"page\":%d,\"limit\":25,\"items\":[", p)
        for (i = 1; i <= 25; i++) s = s (i > 1 ? "," : "") product((p - 1) * 25 + i)
        put("data/products/page-" p ".json", s sprintf("],\"next\":\"/api/products?page=%d\"}", p + 1))
    }
}'
sed "s/@PORT@/$PORT/g" "$HERE/nginx.conf.in" > "$WORK/nginx.conf"
NGX=(nginx -p "$WORK/" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log")
"${NGX[@]}" -t -q

port_open() { "${NSX[@]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; }

start_nginx() {
    if port_open; then
        echo "127.0.0.1:$PORT is already in use; set PORT=... to another port" >&2; return 1
    fi
    rm -f "$WORK/logs/access.log"
    "${NSX[@]}" "${NGX[@]}" &   # master_process off + daemon off: $! is nginx itself
    NGINX_PID=$!
    local i
    for i in $(seq 1 100); do port_open && return 0; sleep 0.1; done
    echo "nginx did not start on 127.0.0.1:$PORT" >&2; cat "$WORK/logs/error.log" >&2 || true
    return 1
}

stop_nginx() {   # graceful: flushes the buffered access log
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$NGINX_PID" 2>/dev/null && kill -TERM "$NGINX_PID"
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
}

start_tcpdump() {   # pcap stderr-file
    # -Z root: keep writing as root (Debian drops to user tcpdump otherwise)
    "${NSX[@]}" tcpdump -i lo -s 0 -B 131072 -n -Z root -w "$1" "tcp port $PORT" 2> "$2" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 1 100); do grep -q 'listening on' "$2" && return 0; sleep 0.1; done
    echo "tcpdump did not start" >&2; cat "$2" >&2; return 1
}

stop_tcpdump() {
    sleep 2   # let the last FIN/ACKs through
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=""
}

# A private network namespace whose loopback has MTU $1 and no segmentation offload,
# so that TCP segments are Ethernet-sized as on a mirror port (host loopback: 64 KiB).
enter_netns() {
    NETNS="tapwatch-bench-$$"
    ip netns add "$NETNS"
    NSX=(ip netns exec "$NETNS")
    ip netns exec "$NETNS" ip link set lo mtu "$1" up
    ip netns exec "$NETNS" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 ||
        ip netns exec "$NETNS" ethtool -K lo tso off gso off >/dev/null
}

leave_netns() {
    if [ -n "$NETNS" ]; then ip netns del "$NETNS"; fi
    NETNS=""
    NSX=()
}

capture() {   # name target seconds conns close(0|1) mtu(0: host loopback)
    local name=$1 target=$2 seconds=$3 conns=$4 close=$5 mtu=${6:-0}
    local tmp="$OUT/$name.pcap.partial" tderr="$WORK/$name.tcpdump.err" wrkout="$WORK/$name.wrk"
    local where="127.0.0.1:$PORT"
    if [ "$mtu" != 0 ]; then enter_netns "$mtu"; where="$where in netns $NETNS (lo mtu $mtu)"; fi
    echo "== $name: wrk -t $THREADS -c $conns, until $target responses or ${seconds}s, Connection: close=$close, $where"
    rm -f "$tmp"
    start_nginx
    start_tcpdump "$tmp" "$tderr"
    local wrk_rc=0
    "${NSX[@]}" env WRK_CLOSE="$close" WRK_TARGET="$target" WRK_THREADS="$THREADS" timeout -s INT $((seconds + 15)) \
        wrk -t "$THREADS" -c "$conns" -d "${seconds}s" --timeout 5s \
            -s "$HERE/api-mix.lua" "http://127.0.0.1:$PORT/" > "$wrkout" 2>&1 || wrk_rc=$?
    stop_tcpdump
    stop_nginx
    leave_netns
    [ "$wrk_rc" = 0 ] || { echo "wrk failed (rc=$wrk_rc):" >&2; cat "$wrkout" >&2; return 1; }

    local captured dropped wrk_n nginx_n bytes
    captured=$(awk '/packets captured/{print $1}' "$tderr")
    dropped=$(awk '/packets dropped by kernel/{print $1}' "$tderr")
    wrk_n=$(awk '/requests in/{print $1}' "$wrkout")
    nginx_n=$(wc -l < "$WORK/logs/access.log")
    bytes=$(stat -c %s "$tmp")
    mv -f "$tmp" "$OUT/$name.pcap"
    {
        echo "# $name  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "## params: threads=$THREADS connections=$conns target=$target seconds=$seconds close=$close port=$PORT netns_mtu=$mtu"
        echo "## wrk"; cat "$wrkout"
        echo "## tcpdump"; grep -E 'packets|listening' "$tderr"
        echo "## nginx access log: requests by method and status"
        awk '{c[$1" "$2]++} END {for (k in c) print c[k], k}' "$WORK/logs/access.log" | sort -k2
        echo "## nginx error log (warn+)"; tail -n 5 "$WORK/logs/error.log" 2>/dev/null || true
    } > "$OUT/$name.log"
    printf '{"capture":"%s","packets":%s,"pcapBytes":%s,"nginxRequests":%s,"wrkRequests":%s,"tcpdumpDropped":%s,"connections":%s,"target":%s,"seconds":%s,"connectionClose":%s,"loopbackMtu":%s,"made":"%s"}\n' \
        "$name" "${captured:-0}" "$bytes" "$nginx_n" "${wrk_n:-0}" "${dropped:-0}" "$conns" "$target" "$seconds" \
        "$([ "$close" = 1 ] && echo true || echo false)" "$([ "$mtu" = 0 ] && echo null || echo "$mtu")" \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$OUT/$name.meta.json"
    echo "   $captured packets ($dropped dropped by kernel), $bytes bytes; nginx logged $nginx_n requests, wrk $wrk_n"
    if [ "${dropped:-0}" != 0 ]; then
        echo "WARNING: tcpdump dropped $dropped packets for $name: the capture has gaps" >&2
    fi
}

for c in "${TODO[@]}"; do
    case "$c" in
        keepalive) capture keepalive "$KA_TARGET" "$KA_SECONDS" "$KA_CONNS" 0 ;;
        close)     capture close "$CLOSE_TARGET" "$CLOSE_SECONDS" "$CLOSE_CONNS" 1 ;;
        keepalive-mtu1500) capture keepalive-mtu1500 "$KA_TARGET" "$KA_SECONDS" "$KA_CONNS" 0 1500 ;;
    esac
done
