#!/bin/sh
# Regenerates the small keytool-made keystores used by tests/it/store/robustness.rs (and as read fixtures).
# Run from this directory with a JDK's keytool on PATH: sh make.sh
# Key material is random, so each run gives different bytes; the tests only rely on the entry list below.
#
# small.jks   (store password "pässwörd"): "server" PrivateKeyEntry (EC P-256, chain server <- ca),
#             "ca" PrivateKeyEntry (self-signed EC P-256), "zürich-ca" trustedCertEntry (the ca certificate)
# small.jceks (store password "changeit"): the same three entries plus "aes" SecretKeyEntry (AES-128)
set -eu
rm -f small.jks small.jceks ca.pem server.csr server.pem
mk() { # $1 store file, $2 store type, $3 password
  kt="keytool -keystore $1 -storetype $2 -storepass $3 -keypass $3"
  $kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=Keytool Test CA" \
      -ext bc:c -validity 7300 -startdate 2025/01/01
  $kt -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=server.test" \
      -validity 7300 -startdate 2025/01/01
  $kt -exportcert -rfc -alias ca -file ca.pem
  $kt -certreq -alias server -file server.csr
  $kt -gencert -alias ca -infile server.csr -outfile server.pem -rfc -ext san=dns:server.test \
      -validity 7300 -startdate 2025/01/01
  $kt -importcert -alias server -file server.pem -noprompt
  $kt -importcert -alias zürich-ca -file ca.pem -noprompt
  rm -f ca.pem server.csr server.pem
}
mk small.jks JKS 'pässwörd'
mk small.jceks JCEKS changeit
keytool -keystore small.jceks -storetype JCEKS -storepass changeit -keypass changeit \
  -genseckey -alias aes -keyalg AES -keysize 128
