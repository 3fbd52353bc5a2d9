//! `[jvm] enable_aia` in `trustpath check`: servers that forget their intermediate — the app's own
//! HTTPS endpoint and its outbound connections (HTTPS, LDAP StartTLS on slapd, LDAPS, SMTP STARTTLS on
//! Exim) — whose leaf's caIssuers URL points at a loopback HTTP server holding the intermediate. For
//! each JDK found (17 and 25), without `enable_aia`, with it alone, and with `aia_locations` allowing the
//! URL, every verdict equals that of the real JVM started with the same system properties
//! (`com.sun.security.enableAIAcaIssuers`, `com.sun.security.allowedAIALocations`) and reading its own
//! `java.security`; the issuer is fetched only when the JVM would fetch it (once per run), and
//! `aia-fetched` is a warning exactly when the JVM's own path depends on it.

use std::sync::atomic::Ordering;

use serde_json::Value;

use super::outbound::{check, codes, outbound};
use crate::support::aia::{http_server, keytool_truststore, leaf_with_aia};
use crate::support::outbound::{self, Served};
use crate::support::{self, certs, serve};

#[test]
fn enable_aia_judges_a_missing_intermediate_as_the_app_jvm_fetching_it_would() {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let root = certs::root("Check AIA Lab Root");
    let int = certs::intermediate("Check AIA Lab Issuing CA", &root);
    let (http_port, hits) = http_server(int.der());
    let url = format!("http://127.0.0.1:{http_port}/ca/issuing.cer");
    let leaf = leaf_with_aia(&int, &url);
    // The leaf alone: the intermediate is only at its caIssuers URL.
    let served = Served {
        chain_pem: leaf.pem(),
        key_pem: leaf.key.serialize_pem(),
    };
    let (Some(slapd), Some(exim)) = (
        outbound::slapd(Some(&served)),
        outbound::exim(Some(&served)),
    ) else {
        return;
    };
    let https = || {
        serve::start(serve::tls_config(
            &[leaf.der()],
            &leaf.key.serialize_der(),
            "aia",
        ))
    };
    let (app, service) = (https(), https());
    let dir = tempfile::tempdir().unwrap();
    let store = keytool_truststore(dir.path(), "aia-root", &root.pem());
    // (name, role, scheme, the JVM client's protocol, port)
    let connections = [
        ("jira", "outbound", "https", "tls", service.addr.port()),
        ("directory", "ldap", "ldap", "ldap", slapd.port("ldap")),
        (
            "directory-ldaps",
            "ldap",
            "ldaps",
            "ldaps",
            slapd.port("ldaps"),
        ),
        ("mail", "mail", "smtp", "smtp", exim.port("smtp")),
    ];
    let allow = format!("http://127.0.0.1:{http_port}/ca/");
    for (major, home) in support::jdks() {
        for (enable, locations) in [(false, None), (true, None), (true, Some(allow.as_str()))] {
            let mut text = format!(
                "name = \"aia-lab\"\n[jvm]\ntruststore = \"{}\"\nstorepass = \"changeit\"\njava_home = \"{}\"\n",
                store.display(),
                home.display()
            );
            let mut props = Vec::new();
            if enable {
                text.push_str("enable_aia = true\n");
                props.push("-Dcom.sun.security.enableAIAcaIssuers=true".to_owned());
            }
            if let Some(l) = locations {
                text.push_str(&format!("aia_locations = \"{l}\"\n"));
                props.push(format!("-Dcom.sun.security.allowedAIALocations={l}"));
            }
            text.push_str(&format!(
                "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://localhost:{}/\"\nconnect = \"127.0.0.1\"\n",
                app.addr.port()
            ));
            for (name, role, scheme, _, port) in &connections {
                text.push_str(&format!(
                    "[[endpoint]]\nname = \"{name}\"\nrole = \"{role}\"\nurl = \"{scheme}://localhost:{port}\"\nconnect = \"127.0.0.1\"\n"
                ));
            }
            let before = hits.load(Ordering::SeqCst);
            let (_, doc) = check(dir.path(), &text, &["--json"]);
            let case = format!("JDK {major}, enable_aia {enable}, aia_locations {locations:?}");
            // The issuer is fetched once for the whole run, and only when the JVM fetches issuers.
            assert_eq!(
                hits.load(Ordering::SeqCst) - before,
                usize::from(enable),
                "{case}: {doc:#}"
            );
            let judged: Vec<(&str, &Value, &str, u16)> =
                std::iter::once(("app", &doc["endpoints"][0], "tls", app.addr.port()))
                    .chain(connections.iter().map(|(name, _, _, java, port)| {
                        (*name, outbound(&doc, name), *java, *port)
                    }))
                    .collect();
            for (name, report, proto, port) in judged {
                let java = outbound::java_verdict_with(
                    Some(&home),
                    &props,
                    proto,
                    ("127.0.0.1", "localhost"),
                    port,
                    &store,
                );
                let context = format!("{case} {name}: trustpath {report:#}\nthe JVM {java:?}");
                assert_eq!(report["probe"]["trusted"], java.trusted(), "{context}");
                let c = codes(report);
                assert_eq!(c.contains(&"aia-fetched".to_owned()), enable, "{context}");
                // The JVM's path depends on the fetched issuer: a warning; browsers only: info, and
                // the JVM's own missing-intermediate stays.
                if let Some(f) = report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["code"] == "aia-fetched")
                {
                    let severity = if java.trusted() { "warning" } else { "info" };
                    assert_eq!(f["severity"], severity, "{context}");
                }
                assert_eq!(
                    c.contains(&"missing-intermediate".to_owned()),
                    !java.trusted(),
                    "{context}"
                );
                // Without enable_aia no JVM fetches; with the URL allowed every JVM does.
                if !enable {
                    assert!(!java.trusted(), "{context}");
                }
                if locations.is_some() {
                    assert!(java.trusted(), "{context}");
                }
            }
        }
    }
}
