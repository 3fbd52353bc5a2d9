//! The conformance suites of `../shared/conformance` as oracle cases: every case that has a server chain,
//! anchors and an instant, judged by the JVM and by trustpath's java profile and compared with each other,
//! never with what the suite itself expects. Options the suites set beyond that (key purposes, trust
//! modes, PKITS' initial policy settings, CRLs) are not given to either judge: a JSSE client with a
//! truststore has none of them.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::case::{AnchorEntry, OracleCase, StoreFormat};

/// `$TRUSTPATH_CONFORMANCE_DIR`, else `../shared/conformance` from the crate root (or one level higher,
/// for a worktree nested deeper), as `tests/conformance.rs` finds it.
pub fn data_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var_os("TRUSTPATH_CONFORMANCE_DIR").map(PathBuf::from),
        Some(root.join("../shared/conformance")),
        Some(root.join("../../shared/conformance")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.is_dir())
}

fn pem_ders(text: &str) -> Vec<Vec<u8>> {
    pem::parse_many(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.contents().to_vec())
        .collect()
}

fn rfc3339(t: &str) -> i64 {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .expect("rfc3339 time")
        .unix_timestamp()
}

/// `YYMMDDHHMMSSZ`.
fn utc_time(t: &str) -> i64 {
    let n = |a: usize| t[a..a + 2].parse::<u8>().expect("digits");
    let date = time::Date::from_calendar_date(
        2000 + i32::from(n(0)),
        time::Month::try_from(n(2)).expect("month"),
        n(4),
    )
    .expect("date");
    date.with_hms(n(6), n(8), n(10))
        .expect("time")
        .assume_utc()
        .unix_timestamp()
}

fn case(
    id: String,
    origin: String,
    served: Vec<Vec<u8>>,
    anchors: Vec<Vec<u8>>,
    host: Option<String>,
    at: i64,
) -> OracleCase {
    OracleCase {
        id,
        origin,
        notes: Vec::new(),
        served,
        anchors: anchors
            .into_iter()
            .enumerate()
            .map(|(i, der)| AnchorEntry::cert(der, &format!("anchor{i}")))
            .collect(),
        store: StoreFormat::Pkcs12ClearCerts,
        password: "changeit".into(),
        host,
        at,
        tls: None,
    }
}

/// x509-limbo: every SERVER case with a peer certificate and trusted certificates. Its default instant
/// ("now") becomes 2024-06-01, inside the validity of its certificates (generated 2023).
pub fn limbo(dir: &Path) -> Vec<OracleCase> {
    let text = std::fs::read_to_string(dir.join("x509-limbo/limbo-2023-12-02-ddc40b4.json"))
        .expect("limbo json");
    let doc: Value = serde_json::from_str(&text).expect("limbo json");
    let mut out = Vec::new();
    for c in doc["testcases"].as_array().expect("testcases") {
        if c["validation_kind"] != "SERVER" {
            continue;
        }
        let id = c["id"].as_str().expect("id");
        let anchors: Vec<Vec<u8>> = c["trusted_certs"]
            .as_array()
            .expect("trusted_certs")
            .iter()
            .flat_map(|p| pem_ders(p.as_str().unwrap_or_default()))
            .collect();
        let mut served = pem_ders(c["peer_certificate"].as_str().unwrap_or_default());
        if served.is_empty() || anchors.is_empty() {
            continue;
        }
        served.extend(
            c["untrusted_intermediates"]
                .as_array()
                .expect("untrusted_intermediates")
                .iter()
                .flat_map(|p| pem_ders(p.as_str().unwrap_or_default())),
        );
        let host = match c["expected_peer_name"]["kind"].as_str() {
            Some("DNS") | Some("IP") => {
                c["expected_peer_name"]["value"].as_str().map(str::to_owned)
            }
            _ => None,
        };
        let at = c["validation_time"]
            .as_str()
            .map_or(rfc3339("2024-06-01T00:00:00Z"), rfc3339);
        out.push(case(
            format!("limbo/{id}"),
            format!("x509-limbo case {id}"),
            served,
            anchors,
            host,
            at,
        ));
    }
    out
}

/// BoringSSL's verify_certificate_chain vectors: the chain's last certificate is the trusted entry (every
/// trust mode but DISTRUSTED and UNSPECIFIED); the rest is served. No host name.
pub fn boringssl(dir: &Path) -> Vec<OracleCase> {
    let base = dir.join("boringssl-pki");
    let text = std::fs::read_to_string(base.join("verify_certificate_chain_tests.json"))
        .expect("boringssl json");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("boringssl json");
    let mut out = Vec::new();
    for c in cases {
        let file = c["file"].as_str().expect("file");
        let trust = c["last_cert_trust"].as_str().unwrap_or_default();
        if trust == "DISTRUSTED" || trust == "UNSPECIFIED" {
            continue;
        }
        let folder = base
            .join("verify_certificate_chain_unittest")
            .join(Path::new(file).parent().expect("folder"));
        let Ok(chain_text) =
            std::fs::read_to_string(folder.join(c["chain"].as_str().expect("chain")))
        else {
            continue;
        };
        let mut certs = pem_ders(&chain_text);
        let Some(last) = certs.last().cloned() else {
            continue;
        };
        if certs.len() > 1 {
            certs.pop();
        }
        let at = match c["utc_time"].as_str().unwrap_or("DEFAULT") {
            "DEFAULT" => utc_time("211005120000Z"),
            other => utc_time(other),
        };
        out.push(case(
            format!("boringssl/{file}"),
            format!("boringssl verify_certificate_chain {file} ({trust})"),
            certs,
            vec![last],
            None,
            at,
        ));
    }
    out
}

/// NIST PKITS: every case, its root as the trusted entry, at mid-2020 (inside the 2010–2030 validity of
/// every PKITS certificate), served twice: leaf first up the chain as a server sends it, and as the end
/// entity followed by the CAs root first (out of order, so that the JVM builds the path).
pub fn pkits(dir: &Path) -> Vec<OracleCase> {
    let base = dir.join("pkits");
    let text = std::fs::read_to_string(base.join("pkits_testcases.json")).expect("pkits json");
    let doc: Value = serde_json::from_str(&text).expect("pkits json");
    let at = rfc3339("2020-06-01T00:00:00Z");
    let mut out = Vec::new();
    for c in doc["tests"].as_array().expect("tests") {
        let name = c["name"].as_str().expect("name");
        let certs: Option<Vec<Vec<u8>>> = c["certs_root_first"]
            .as_array()
            .expect("certs_root_first")
            .iter()
            .map(|n| {
                std::fs::read(
                    base.join("certs")
                        .join(format!("{}.crt", n.as_str().unwrap_or_default())),
                )
                .ok()
            })
            .collect();
        let Some(mut certs) = certs else {
            continue;
        };
        if certs.len() < 2 {
            continue;
        }
        let root = certs.remove(0);
        let mut in_order = certs.clone();
        in_order.reverse();
        let mut out_of_order = certs;
        let ee = out_of_order.pop().expect("end entity");
        out_of_order.insert(0, ee);
        let origin = format!(
            "PKITS {} {}",
            c["test_number"].as_str().unwrap_or_default(),
            name
        );
        out.push(case(
            format!("pkits/{name}"),
            origin.clone(),
            in_order,
            vec![root.clone()],
            None,
            at,
        ));
        if out_of_order.len() > 2 {
            out.push(case(
                format!("pkits/{name}/unordered"),
                format!("{origin}, CAs served root first"),
                out_of_order,
                vec![root],
                None,
                at,
            ));
        }
    }
    out
}
