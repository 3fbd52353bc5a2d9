#!/usr/bin/env bash
# Wall time of `trustpath check` on a lab deployment against the manual ritual it replaces, whole process.
#
# The deployment (127.0.0.1 only): `trustpath serve` as the app node and the Synchrony node, nginx in
# front terminating TLS for app.lab.test with the lab fullchain. Five endpoints: the app (GET / expecting
# 200), the Synchrony heartbeat through the proxy, the Synchrony WebSocket through the proxy, and the two
# nodes directly.
#
# The ritual does the same checks with the usual tools, one after the other: `openssl s_client` with
# -verify_return_error against the lab root for each TLS endpoint, `curl` for each HTTP check, and `curl`
# with the Upgrade headers for the WebSocket. It judges less (no Java profile, no cross-endpoint
# findings, no configuration), so the ratio favours the ritual.
#
# Usage: benches/check_vs_ritual.sh [TRUSTPATH_BINARY]   (default: target/release/trustpath, else debug)
set -euo pipefail

cd "$(dirname "$0")/.."
TP=${1:-}
if [[ -z "$TP" ]]; then
  if [[ -x target/release/trustpath ]]; then TP=target/release/trustpath; else TP=target/debug/trustpath; fi
fi
TP=$(realpath "$TP")
for tool in nginx openssl curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found"; exit 1; }
done
RUNS=${RUNS:-20}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up"; exit 1; }

"$TP" gen lab --out "$WORK" app.lab.test 127.0.0.1 >/dev/null
APP=$(free_port); RTC=$(free_port); PORT=$(free_port)
"$TP" serve --plain --label app --listen "127.0.0.1:$APP" >/dev/null 2>&1 & PIDS+=($!)
"$TP" serve --plain --label synchrony --listen "127.0.0.1:$RTC" >/dev/null 2>&1 & PIDS+=($!)
mkdir -p "$WORK/logs"
cat >"$WORK/nginx.conf" <<EOF
daemon off;
master_process off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $WORK/cb; proxy_temp_path $WORK/px; fastcgi_temp_path $WORK/fc;
    uwsgi_temp_path $WORK/uw; scgi_temp_path $WORK/sc;
    server {
        listen 127.0.0.1:$PORT ssl;
        server_name app.lab.test;
        ssl_certificate $WORK/fullchain.pem;
        ssl_certificate_key $WORK/server.key;
        location / { proxy_pass http://127.0.0.1:$APP; }
        location /synchrony/ {
            proxy_pass http://127.0.0.1:$RTC;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection "upgrade";
        }
    }
}
EOF
nginx -p "$WORK" -e "$WORK/logs/error.log" -c "$WORK/nginx.conf" & PIDS+=($!)
wait_port "$APP"; wait_port "$RTC"; wait_port "$PORT"

cat >"$WORK/deployment.toml" <<EOF
name = "bench"
public_names = ["app.lab.test"]
[jvm]
truststore = "truststore.p12"
[[endpoint]]
name = "app"
role = "app"
url = "https://app.lab.test:$PORT/"
connect = "127.0.0.1"
  [[endpoint.http]]
  expect_status = 200
[[endpoint]]
name = "heartbeat"
role = "rtc"
url = "https://app.lab.test:$PORT/synchrony/heartbeat"
connect = "127.0.0.1"
  [[endpoint.http]]
  expect_status = 200
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "wss://app.lab.test:$PORT/synchrony/v1/bayeux-sync1"
connect = "127.0.0.1"
[[endpoint]]
name = "node"
role = "node"
url = "http://127.0.0.1:$APP/"
[[endpoint]]
name = "synchrony-node"
role = "node"
url = "http://127.0.0.1:$RTC/synchrony/heartbeat"
EOF
"$TP" check "$WORK/deployment.toml" >/dev/null || { "$TP" check "$WORK/deployment.toml"; exit 1; }

cat >"$WORK/ritual.sh" <<EOF
#!/usr/bin/env bash
set -e
R="--resolve app.lab.test:$PORT:127.0.0.1 --cacert $WORK/root-ca.pem -s -o /dev/null -w %{http_code}"
for path in / /synchrony/heartbeat; do
  openssl s_client -connect 127.0.0.1:$PORT -servername app.lab.test -verify_hostname app.lab.test \
    -verify_return_error -CAfile $WORK/root-ca.pem </dev/null >/dev/null 2>&1
done
curl \$R https://app.lab.test:$PORT/ >/dev/null
curl \$R https://app.lab.test:$PORT/synchrony/heartbeat >/dev/null
# The WebSocket: the upgrade request and a close frame, so that the server ends the connection.
printf 'GET /synchrony/v1/bayeux-sync1 HTTP/1.1\\r\\nHost: app.lab.test\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n\\x88\\x82\\0\\0\\0\\0\\x03\\xe8' \\
  | openssl s_client -quiet -connect 127.0.0.1:$PORT -servername app.lab.test -verify_return_error \\
    -CAfile $WORK/root-ca.pem 2>/dev/null | head -c 12 | grep -q 101
curl -s -o /dev/null http://127.0.0.1:$APP/
curl -s -o /dev/null http://127.0.0.1:$RTC/synchrony/heartbeat
EOF
chmod +x "$WORK/ritual.sh"

echo "trustpath: $TP"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$RUNS" --output=null \
    -n "trustpath check (5 endpoints)" "$TP check $WORK/deployment.toml" \
    -n "openssl s_client + curl ritual" "$WORK/ritual.sh"
else
  time_ms() {
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do bash -c "$1 >/dev/null 2>&1" || true; done
    end=$(date +%s%N)
    echo $(( (end - start) / RUNS / 1000000 ))
  }
  a=$(time_ms "$TP check $WORK/deployment.toml"); b=$(time_ms "$WORK/ritual.sh")
  echo "trustpath check: ${a} ms   ritual: ${b} ms   ritual/trustpath: $(awk "BEGIN{printf \"%.1f\", $b/$a}")"
fi
