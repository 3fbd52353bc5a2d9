//! Authority Information Access in the tests: a loopback HTTP server standing for a CA's caIssuers URL
//! (it answers every request with one body and counts the requests), the extension itself, and a
//! `localhost` leaf naming such a URL.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{CertificateParams, CustomExtension, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose};

use super::certs::{self, Issued};

/// A one-thread HTTP server on 127.0.0.1 answering every request with `body`; counts requests.
pub fn http_server(body: Vec<u8>) -> (u16, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            let _ = stream.write_all(&body);
        }
    });
    (port, hits)
}

/// The DER of an AuthorityInfoAccess extension value with one caIssuers URI.
pub fn aia_extension(url: &str) -> CustomExtension {
    let tlv = |tag: u8, content: &[u8]| {
        let mut out = vec![tag];
        out.extend(trustpath::asn1::length_octets(content.len()).unwrap());
        out.extend_from_slice(content);
        out
    };
    // id-ad-caIssuers 1.3.6.1.5.5.7.48.2
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let access = tlv(0x30, &[&oid[..], &tlv(0x86, url.as_bytes())].concat());
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], tlv(0x30, &access))
}

/// A server certificate for `localhost` issued by `issuer`, whose caIssuers URL is `url`.
pub fn leaf_with_aia(issuer: &Issued, url: &str) -> Issued {
    let mut p = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "localhost");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p.custom_extensions = vec![aia_extension(url)];
    certs::signed_by(p, certs::EC, issuer)
}

/// A PKCS#12 truststore (password `changeit`) made by keytool in `dir`, holding `cert_pem` as `alias`.
pub fn keytool_truststore(
    dir: &std::path::Path,
    alias: &str,
    cert_pem: &str,
) -> std::path::PathBuf {
    let pem = dir.join(format!("{alias}.pem"));
    std::fs::write(&pem, cert_pem).unwrap();
    let store = dir.join("truststore.p12");
    super::run_ok(
        std::process::Command::new("keytool")
            .args(["-importcert", "-noprompt", "-alias", alias])
            .args([
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keystore",
            ])
            .arg(&store)
            .arg("-file")
            .arg(&pem),
    );
    store
}
