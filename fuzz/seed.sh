#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) from the repository's own fixtures:
# keytool stores, PEM files, the committed nginx/Apache/Tomcat configurations, discovered deployment
# files, and a hand-made legacy TLS flight (ServerHello + Certificate).
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/keystore_read $c/pkcs12_read $c/pem_bundle $c/nginx_config $c/apache_config $c/server_xml \
  $c/deployment $c/legacy_flight
cp testcerts/keytool/small.* $c/keystore_read/
cp testcerts/keytool-p12/*.p12 $c/pkcs12_read/
cp tests/golden/fixtures/*.pem $c/pem_bundle/
for f in tests/fixtures/configs/*/nginx.conf tests/fixtures/configs/proxy-ssl/conf.d/*.conf \
  tests/fixtures/configs/proxy-ssl/snippets/*.conf; do
  cp "$f" "$c/nginx_config/$(echo "$f" | tr / _)"
done
for f in tests/fixtures/configs/same-host-apache/apache2.conf \
  tests/fixtures/configs/same-host-apache/sites-enabled/*.conf; do
  cp "$f" "$c/apache_config/$(echo "$f" | tr / _)"
done
for f in tests/fixtures/configs/*/server.xml; do
  cp "$f" "$c/server_xml/$(echo "$f" | tr / _)"
done
cp tests/golden/discover/*.toml $c/deployment/
# Split byte, then a TLS 1.0 handshake record: ServerHello (TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA), and a
# second record: Certificate with one 4-byte "certificate".
{
  printf '\x08'
  printf '\x16\x03\x01\x00\x2a\x02\x00\x00\x26\x03\x01'
  head -c 32 /dev/zero
  printf '\x00\x00\x2f\x00'
  printf '\x16\x03\x01\x00\x0e\x0b\x00\x00\x0a\x00\x00\x07\x00\x00\x04\x30\x02\x05\x00'
} > $c/legacy_flight/tls10-rsa.bin
