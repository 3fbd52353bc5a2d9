#!/usr/bin/env bash
# Whole-process comparisons with the tools admins use today, in one session on one machine (loopback only):
#   probe   trustpath probe of N targets vs `sslyze --certinfo` and an `openssl s_client` loop
#           (peers measured on a subset, reported as endpoints per second)
#   verify  trustpath verify of a 3-certificate chain against the system cacerts vs `openssl verify`
# Usage: benches/peers.sh [TRUSTPATH_BINARY]   (default target/release/trustpath; build it first)
# Needs openssl; sslyze (pip install sslyze) and hyperfine are used when present.
set -euo pipefail
bin=${1:-target/release/trustpath}
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'kill "${serve_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

now_ms() { date +%s%3N; }

# A lab chain (leaf + intermediate served; root trusted) and a server for it.
"$bin" gen lab --out lab bench.lab.test >/dev/null
"$bin" serve --cert lab/fullchain.pem --key lab/server.key --listen 127.0.0.1:0 --for 600 >serve.out &
serve_pid=$!
for _ in $(seq 50); do [ -s serve.out ] && break; sleep 0.1; done
port=$(head -1 serve.out | sed 's/.*://')

N=${N:-1000}
PEER_N=${PEER_N:-50}
for i in $(seq "$N"); do echo "https://bench.lab.test:$port/"; done >targets.txt

echo "== probe: $N targets, one loopback server"
t0=$(now_ms)
"$bin" probe --targets targets.txt --resolve "bench.lab.test:$port:127.0.0.1" --truststore lab/truststore.p12 \
  --json >probe.json || true
t1=$(now_ms)
tp_ms=$((t1 - t0))
tp_rate=$(awk -v n="$N" -v ms="$tp_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
rss=$( { /usr/bin/time -f %M "$bin" probe --targets targets.txt --resolve "bench.lab.test:$port:127.0.0.1" \
  --truststore lab/truststore.p12 --json >/dev/null; } 2>&1 | tail -1 || echo "?")
echo "trustpath probe         ${tp_ms} ms for $N  (${tp_rate} endpoints/s, peak RSS ${rss} KiB)"

t0=$(now_ms)
for i in $(seq "$PEER_N"); do
  openssl s_client -connect "127.0.0.1:$port" -servername bench.lab.test -CAfile lab/root-ca.pem \
    -verify_return_error </dev/null >/dev/null 2>&1 || true
done
t1=$(now_ms)
ossl_rate=$(awk -v n="$PEER_N" -v ms="$((t1 - t0))" 'BEGIN { printf "%.1f", n / (ms / 1000) }')
echo "openssl s_client loop   $((t1 - t0)) ms for $PEER_N  (${ossl_rate} endpoints/s)"
awk -v a="$tp_rate" -v b="$ossl_rate" 'BEGIN { printf "ratio trustpath / s_client loop: %.0f×\n", a / b }'

if command -v sslyze >/dev/null 2>&1; then
  args=()
  for i in $(seq "$PEER_N"); do args+=("bench.lab.test:$port{127.0.0.1}"); done
  t0=$(now_ms)
  sslyze --certinfo --quiet "${args[@]}" >/dev/null 2>&1 || true
  t1=$(now_ms)
  sslyze_rate=$(awk -v n="$PEER_N" -v ms="$((t1 - t0))" 'BEGIN { printf "%.1f", n / (ms / 1000) }')
  echo "sslyze --certinfo       $((t1 - t0)) ms for $PEER_N  (${sslyze_rate} endpoints/s)"
  awk -v a="$tp_rate" -v b="$sslyze_rate" 'BEGIN { printf "ratio trustpath / sslyze: %.0f×\n", a / b }'
else
  echo "sslyze not installed (pip install sslyze): skipped"
fi

echo
echo "== verify: 3-certificate chain against the system cacerts"
cat lab/server.pem lab/intermediate-ca.pem lab/root-ca.pem >chain3.pem
system=/etc/ssl/certs/java/cacerts
bundle=/etc/ssl/certs/ca-certificates.crt
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 3 --runs 30 --export-json verify.json \
    "$bin verify chain3.pem --truststore $system --host bench.lab.test" \
    "openssl verify -CAfile $bundle -untrusted lab/intermediate-ca.pem lab/server.pem" \
    --ignore-failure 2>/dev/null | grep -E "Time|±|faster|Benchmark" || true
else
  for cmd in "$bin verify chain3.pem --truststore $system --host bench.lab.test" \
             "openssl verify -CAfile $bundle -untrusted lab/intermediate-ca.pem lab/server.pem"; do
    t0=$(now_ms); for i in $(seq 30); do $cmd >/dev/null 2>&1 || true; done; t1=$(now_ms)
    echo "$cmd: $(((t1 - t0) / 30)) ms"
  done
fi
