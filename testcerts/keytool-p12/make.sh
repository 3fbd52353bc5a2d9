#!/bin/sh
# Regenerates the keytool-made PKCS#12 fixtures read by tests/pkcs12_keytool.rs.
#
#   JDK25=/usr/lib/jvm/temurin-25-jdk-amd64 sh testcerts/keytool-p12/make.sh
#
# The tests do not compare against stored listings: they run `keytool -list` on each fixture and check that
# trustpath reads the same aliases, kinds and SHA-256 fingerprints, so regenerating is always safe.
# Every store holds the same three kinds of entry: a trusted CA ("lab-ca"), a private key with its chain
# ("server", leaf signed by the CA) and, where keytool allows it, an AES secret key ("aes-key").
# Store password: changeit (also the key password, as keytool requires for PKCS#12).
set -eu
cd "$(dirname "$0")"
JDK17=${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v keytool)")")")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
PW=changeit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The CA and a leaf signed by it (made once, with JDK 17, imported into every store below).
kt() { "$JDK17/bin/keytool" "$@"; }
kt -genkeypair -keystore "$work/ca.p12" -storepass $PW -alias ca -keyalg EC -groupname secp256r1 \
   -dname "CN=Lab Fixture CA, O=trustpath" -ext bc:c -validity 36500 -startdate 2024/01/01 >/dev/null 2>&1
kt -exportcert -rfc -keystore "$work/ca.p12" -storepass $PW -alias ca -file "$work/ca.pem" >/dev/null 2>&1
kt -genkeypair -keystore "$work/leaf.p12" -storepass $PW -alias server -keyalg RSA -keysize 2048 \
   -dname "CN=app.lab.test" -validity 36500 -startdate 2024/01/02 >/dev/null 2>&1
kt -certreq -keystore "$work/leaf.p12" -storepass $PW -alias server -file "$work/leaf.csr" >/dev/null 2>&1
kt -gencert -keystore "$work/ca.p12" -storepass $PW -alias ca -infile "$work/leaf.csr" -rfc \
   -ext san=dns:app.lab.test -validity 36500 -startdate 2024/01/02 -outfile "$work/leaf.pem" >/dev/null 2>&1
cat "$work/leaf.pem" "$work/ca.pem" > "$work/chain.pem"
kt -importcert -noprompt -keystore "$work/leaf.p12" -storepass $PW -alias server -file "$work/chain.pem" >/dev/null 2>&1

# make NAME JDK_HOME [ -J-D... options for the writing keytool ]
make() {
  name=$1 home=$2
  shift 2
  rm -f "$name.p12"
  "$home/bin/keytool" "$@" -importcert -noprompt -keystore "$name.p12" -storetype PKCS12 -storepass $PW \
     -alias Lab-CA -file "$work/ca.pem" >/dev/null 2>&1
  "$home/bin/keytool" "$@" -importkeystore -noprompt -srckeystore "$work/leaf.p12" -srcstorepass $PW \
     -srcalias server -destkeystore "$name.p12" -deststorepass $PW >/dev/null 2>&1
  "$home/bin/keytool" "$@" -genseckey -keystore "$name.p12" -storepass $PW -alias aes-key -keyalg AES \
     -keysize 128 >/dev/null 2>&1
}

NONE="-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE"
make jdk17-default "$JDK17"
# shellcheck disable=SC2086
make jdk17-passwordless "$JDK17" $NONE
make jdk17-legacy "$JDK17" -J-Dkeystore.pkcs12.legacy
make jdk25-default "$JDK25"
# shellcheck disable=SC2086
make jdk25-passwordless "$JDK25" $NONE

# Trust-only stores, password-less the way JDK 18+ ships cacerts.
rm -f jdk25-cacerts-style.p12
# shellcheck disable=SC2086
"$JDK25/bin/keytool" $NONE -importcert -noprompt -keystore jdk25-cacerts-style.p12 -storetype PKCS12 \
   -storepass $PW -alias lab-ca -file "$work/ca.pem" >/dev/null 2>&1

# openssl-made stores: no Oracle trusted-key-usage attribute, so the JDK lists no trusted entry for the CA.
openssl pkcs12 -export -nokeys -in "$work/ca.pem" -passout pass:$PW -out openssl-certs-only.p12
"$JDK17/bin/keytool" -importkeystore -noprompt -srckeystore "$work/leaf.p12" -srcstorepass $PW \
   -srcalias server -destkeystore "$work/leaf-only.p12" -deststorepass $PW >/dev/null 2>&1
openssl pkcs12 -in "$work/leaf-only.p12" -passin pass:$PW -nodes -out "$work/leaf-key.pem" 2>/dev/null
openssl pkcs12 -export -in "$work/leaf.pem" -inkey "$work/leaf-key.pem" -certfile "$work/ca.pem" \
   -name server -passout pass:$PW -out openssl-key-and-chain.p12
# Without -name: no friendlyName, so the JDK names the key entry "1".
openssl pkcs12 -export -in "$work/leaf.pem" -inkey "$work/leaf-key.pem" -certfile "$work/ca.pem" \
   -passout pass:$PW -out openssl-key-no-name.p12
