#!/usr/bin/env bash
# Wall time of `trustpath gen` against mkcert for the same names, whole process, EC keys.
#
#   1. a whole new lab: `trustpath gen lab` (root + intermediate + leaf, PEM, PKCS#12, JKS, truststores,
#      README) vs mkcert with an empty CAROOT (it creates its CA, RSA-3072, then the leaf);
#   2. one more leaf under an existing CA: `trustpath gen leaf --ca` (leaf PEM + PKCS#12 + JKS) vs
#      mkcert with its CA already made.
#
# Usage: benches/gen_vs_mkcert.sh [TRUSTPATH_BINARY]   (default: target/release/trustpath, else debug)
# Uses hyperfine when present (its summary prints the ratio), else a loop timed with date +%s%N.
# mkcert is never run with -install: nothing outside the temporary directory is touched.
set -euo pipefail

cd "$(dirname "$0")/.."
TP=${1:-}
if [[ -z "$TP" ]]; then
  if [[ -x target/release/trustpath ]]; then TP=target/release/trustpath; else TP=target/debug/trustpath; fi
fi
TP=$(realpath "$TP")
command -v mkcert >/dev/null || { echo "mkcert not found (apt-get install -y mkcert)"; exit 1; }
RUNS=${RUNS:-20}
NAMES=(confluence.lab.test jira.lab.test '*.lab.test' 127.0.0.1 ::1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "trustpath: $TP"
echo "mkcert:    $(command -v mkcert) ($(mkcert -version 2>/dev/null || echo '?'))"
echo "names:     ${NAMES[*]}"

# A CA for the "one more leaf" case, for each tool.
"$TP" gen ca --out "$WORK/tp-ca" >/dev/null
"$TP" gen intermediate --ca "$WORK/tp-ca" >/dev/null
CAROOT="$WORK/mk-ca" mkcert -ecdsa -cert-file "$WORK/warm.pem" -key-file "$WORK/warm.key" warm.lab.test >/dev/null 2>&1

Q=$(printf "'%s' " "${NAMES[@]}")
# Commands without redirections, so hyperfine can run them without a shell (-N) and measure only them;
# the directories are emptied by --prepare.
TP_LAB="$TP gen lab --out $WORK/lab $Q"
MK_LAB="env CAROOT=$WORK/mk-fresh mkcert -ecdsa -cert-file $WORK/mk.pem -key-file $WORK/mk.key $Q"
TP_LEAF="$TP gen leaf --force --ca $WORK/tp-ca --out $WORK/leaf $Q"
MK_LEAF="env CAROOT=$WORK/mk-ca mkcert -ecdsa -cert-file $WORK/mk2.pem -key-file $WORK/mk2.key $Q"

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$RUNS" --output=null \
    --prepare "rm -rf $WORK/lab $WORK/mk-fresh" \
    -n "trustpath gen lab" "$TP_LAB" -n "mkcert (new CA + leaf)" "$MK_LAB"
  hyperfine -N --warmup 2 --runs "$RUNS" --output=null \
    -n "trustpath gen leaf --ca" "$TP_LEAF" -n "mkcert (existing CA)" "$MK_LEAF"
else
  time_ms() { # command → mean milliseconds over RUNS
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do rm -rf "$WORK/lab" "$WORK/mk-fresh"; bash -c "$1 >/dev/null 2>&1"; done
    end=$(date +%s%N)
    echo $(( (end - start) / RUNS / 1000000 ))
  }
  for pair in "TP_LAB MK_LAB" "TP_LEAF MK_LEAF"; do
    set -- $pair
    a=$(time_ms "${!1}"); b=$(time_ms "${!2}")
    echo "$1: ${a} ms   $2: ${b} ms   ratio trustpath/mkcert: $(awk "BEGIN{printf \"%.2f\", $a/$b}")"
  done
fi
