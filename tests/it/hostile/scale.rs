//! Sizes that used to make trustpath quadratic, each bounded by the watch's deadline (the fixed code
//! takes a fraction of it; the quadratic code took many times it): 20,000 certificates sharing one common
//! name listed, a 20,000-entry JKS of such certificates converted to PEM with its aliases, 30,000 Tomcat
//! connectors discovered. (The 99,999-entry convert is measured by hand: see the README.)

use trustpath::cert::Certificate;
use trustpath::truststore::{self, Entry, StoreFormat, TrustStore};

use super::watched;
use crate::support::certs;

/// `n` distinct certificates sharing one subject: one certificate with its serial number rewritten (the
/// signatures no longer verify, which listing and converting never check).
fn same_cn(n: usize) -> Vec<Certificate> {
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "Shared Corp CA");
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x11; 8]));
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let der = certs::self_signed(p, certs::EC).der();
    let at = der
        .windows(10)
        .position(|w| w == [0x02, 0x08, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11])
        .expect("the serial number")
        + 3;
    (0..n)
        .map(|i| {
            let mut d = der.clone();
            d[at..at + 7].copy_from_slice(&(i as u64).to_be_bytes()[1..]);
            Certificate::from_der(d).unwrap()
        })
        .collect()
}

#[test]
fn twenty_thousand_certificates_sharing_a_common_name_list_and_convert_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let certs = same_cn(20_000);
    let pem = dir.path().join("bundle.pem");
    let text: String = certs.iter().map(Certificate::to_pem).collect();
    std::fs::write(&pem, text).unwrap();
    let w = watched(&["store", "list", pem.to_str().unwrap(), "--json"]);
    assert_eq!(w.code, Some(0), "{}", w.summary());
    let v: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 20_000);
    assert_eq!(entries[0]["alias"], "shared-corp-ca");
    assert_eq!(entries[19_999]["alias"], "shared-corp-ca-20000");
    eprintln!("list of 20,000 same-CN certificates: {}", w.summary());

    let mut store = TrustStore::new(StoreFormat::Jks);
    for (i, c) in certs.into_iter().enumerate() {
        store.entries.push(Entry::trusted(
            format!("entry-{i}"),
            c,
            Some(1_700_000_000_000),
        ));
    }
    let jks = dir.path().join("big.jks");
    std::fs::write(
        &jks,
        truststore::write(&store, StoreFormat::Jks, "changeit").unwrap(),
    )
    .unwrap();
    let out = dir.path().join("big.pem");
    let w = watched(&[
        "store",
        "convert",
        jks.to_str().unwrap(),
        out.to_str().unwrap(),
        "--to",
        "pem",
    ]);
    assert_eq!(w.code, Some(0), "{}", w.summary());
    eprintln!("convert of a 20,000-entry JKS to PEM: {}", w.summary());
    let back = truststore::read(&std::fs::read(&out).unwrap(), "").unwrap();
    assert_eq!(back.entries.len(), 20_000);
    assert_eq!(back.entries[12_345].alias, "entry-12345");
}

#[test]
fn thirty_thousand_tomcat_connectors_are_discovered_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<Server port=\"8005\">\n  <Service name=\"Catalina\">\n",
    );
    for i in 0..30_000 {
        xml.push_str(&format!(
            "    <Connector port=\"{}\" protocol=\"HTTP/1.1\" address=\"127.0.0.1\"/>\n",
            10_000 + i
        ));
    }
    xml.push_str("  </Service>\n</Server>\n");
    let path = conf.join("server.xml");
    std::fs::write(&path, xml).unwrap();
    let w = watched(&["discover", "--tomcat", path.to_str().unwrap()]);
    assert_eq!(w.code, Some(0), "{}", w.summary());
    assert!(
        w.stdout.contains("server.xml:30003 Connector port 39999"),
        "the last connector's line"
    );
    // Real tables only (the file ends with a commented template of the outbound roles).
    assert_eq!(
        w.stdout.lines().filter(|l| *l == "[[endpoint]]").count(),
        30_000
    );
    eprintln!("discover of 30,000 connectors: {}", w.summary());
}
