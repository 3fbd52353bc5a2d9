#!/usr/bin/env bash
# Wall time of `trustpath trust` on an SMTP STARTTLS server against the ritual it replaces, whole process.
#
# The server (127.0.0.1 only): Exim from Debian, as the tests run it (tests/it/support/outbound.rs), with
# STARTTLS and a lab chain under a root the truststore lacks, the root served. Each run starts from a fresh
# copy of a PKCS#12 truststore holding one unrelated CA.
#
# trustpath: `trust smtp://… --yes` (probe, judge, pick the root, import with a backup, probe and judge
# again). The ritual: `openssl s_client -starttls smtp -showcerts`, `awk` to cut the last certificate out,
# `keytool -importcert -noprompt` — no judgement before or after, no backup, and it relies on the server
# sending its root (the ritual cannot tell a root from an intermediate), so the ratio favours the ritual.
#
# InstallCert: benches/InstallCert.java (the classic public InstallCert.java's steps, written anew: a
# saving trust manager, the chain printed, certificate N added to ./jssecacerts), compiled with javac here
# and run with the root's number on standard input. It speaks TLS from the first byte only, so it and
# `trust smtps://…` are timed on Exim's implicit-TLS port (tls_on_connect_ports) of the same server.
#
# Must run as root (Exim drops to Debian-exim). Usage: benches/trust_vs_ritual.sh [TRUSTPATH_BINARY]
set -euo pipefail

cd "$(dirname "$0")/.."
TP=${1:-}
if [[ -z "$TP" ]]; then
  if [[ -x target/release/trustpath ]]; then TP=target/release/trustpath; else TP=target/debug/trustpath; fi
fi
TP=$(realpath "$TP")
for tool in openssl keytool javac java /usr/sbin/exim4; do
  command -v "$tool" >/dev/null || { echo "$tool not found"; exit 1; }
done
RUNS=${RUNS:-10}
WORK=$(mktemp -d)
chmod 755 "$WORK"
EXIM=""
cleanup() {
  [[ -n "$EXIM" ]] && kill "$EXIM" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up"; exit 1; }

# The lab: root → issuing CA → leaf for localhost, all served; an unrelated CA in the truststore.
"$TP" gen lab --out "$WORK/lab" localhost >/dev/null
"$TP" gen lab --out "$WORK/other" other.test >/dev/null
cat "$WORK/lab/fullchain.pem" "$WORK/lab/root-ca.pem" > "$WORK/served.pem"
chmod 644 "$WORK"/lab/*
keytool -importcert -noprompt -alias unrelated -storetype PKCS12 -storepass changeit \
  -keystore "$WORK/base.p12" -file "$WORK/other/root-ca.pem" >/dev/null 2>&1

PORT=$(free_port)
TLSPORT=$(free_port)
mkdir -p "$WORK/ic" && javac -d "$WORK/ic" benches/InstallCert.java
mkdir -p "$WORK/spool" && chown Debian-exim: "$WORK/spool"
cat > "$WORK/exim.conf" <<CONF
spool_directory = $WORK/spool
log_file_path = $WORK/spool/%s.log
pid_file_path = $WORK/spool/exim.pid
keep_environment =
exim_user = Debian-exim
exim_group = Debian-exim
primary_hostname = localhost
local_interfaces = 127.0.0.1
daemon_smtp_ports = $PORT : $TLSPORT
tls_on_connect_ports = $TLSPORT
tls_advertise_hosts = *
tls_certificate = $WORK/served.pem
tls_privatekey = $WORK/lab/server.key
acl_smtp_rcpt = deny
begin acl
begin routers
begin transports
begin retry
begin rewrite
begin authenticators
CONF
/usr/sbin/exim4 -C "$WORK/exim.conf" -bdf >/dev/null 2>&1 &
EXIM=$!
wait_port "$PORT"
wait_port "$TLSPORT"

ms() { python3 -c "import sys; print(f'{float(sys.argv[1])*1000:.1f}')" "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

tp_times=(); ritual_times=(); tps_times=(); ic_times=()
for _ in $(seq "$RUNS"); do
  cp "$WORK/base.p12" "$WORK/tp.p12"
  s=$(date +%s.%N)
  "$TP" trust "smtp://localhost:$PORT" --resolve "localhost:$PORT:127.0.0.1" --truststore "$WORK/tp.p12" \
    --storepass changeit --yes --no-backup >/dev/null
  e=$(date +%s.%N); tp_times+=("$(echo "$e - $s" | bc)")

  cp "$WORK/base.p12" "$WORK/ritual.p12"
  s=$(date +%s.%N)
  openssl s_client -starttls smtp -connect "127.0.0.1:$PORT" -servername localhost -showcerts </dev/null 2>/dev/null \
    | awk '/BEGIN CERT/{c=""} {c=c $0 "\n"} /END CERT/{last=c} END {printf "%s", last}' > "$WORK/root.pem"
  keytool -importcert -noprompt -alias lab-root -storetype PKCS12 -storepass changeit \
    -keystore "$WORK/ritual.p12" -file "$WORK/root.pem" >/dev/null 2>&1
  e=$(date +%s.%N); ritual_times+=("$(echo "$e - $s" | bc)")

  cp "$WORK/base.p12" "$WORK/tps.p12"
  s=$(date +%s.%N)
  "$TP" trust "smtps://localhost:$TLSPORT" --resolve "localhost:$TLSPORT:127.0.0.1" --truststore "$WORK/tps.p12" \
    --storepass changeit --yes --no-backup >/dev/null
  e=$(date +%s.%N); tps_times+=("$(echo "$e - $s" | bc)")

  rm -rf "$WORK/icrun" && mkdir "$WORK/icrun" && cp "$WORK/base.p12" "$WORK/icrun/jssecacerts"
  s=$(date +%s.%N)
  # The chain served is leaf, issuing CA, root: the root is certificate 3.
  (cd "$WORK/icrun" && echo 3 | java -cp "$WORK/ic" InstallCert "localhost:$TLSPORT" changeit >/dev/null)
  e=$(date +%s.%N); ic_times+=("$(echo "$e - $s" | bc)")
  keytool -list -storepass changeit -keystore "$WORK/icrun/jssecacerts" | grep -q "localhost-3" \
    || { echo "InstallCert did not add the root"; exit 1; }
done
tp=$(printf '%s\n' "${tp_times[@]}" | median)
ritual=$(printf '%s\n' "${ritual_times[@]}" | median)
echo "trust over SMTP STARTTLS (probe, judge, import, probe, judge): median $(ms "$tp") ms over $RUNS runs"
echo "openssl s_client -starttls smtp | awk + keytool -importcert: median $(ms "$ritual") ms over $RUNS runs"
python3 -c "import sys; print(f'ratio {float(sys.argv[2])/float(sys.argv[1]):.1f}x')" "$tp" "$ritual"
tps=$(printf '%s\n' "${tps_times[@]}" | median)
ic=$(printf '%s\n' "${ic_times[@]}" | median)
echo "trust over SMTPS (implicit TLS): median $(ms "$tps") ms over $RUNS runs"
echo "InstallCert (javac'd benches/InstallCert.java, root chosen on stdin): median $(ms "$ic") ms over $RUNS runs"
python3 -c "import sys; print(f'ratio {float(sys.argv[2])/float(sys.argv[1]):.1f}x')" "$tps" "$ic"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
