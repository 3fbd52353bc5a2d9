//! `trustpath probe` through a real HTTP proxy (tinyproxy on 127.0.0.1) with CONNECT: the chain behind
//! the tunnel is judged as directly and the JVM, tunnelling the same way, agrees; `https_proxy` and
//! `no_proxy` apply as curl reads them; a proxy refusing the tunnel is a finding quoting its status
//! line; credentials are sent and never printed.

use std::process::Command;

use assert_cmd::prelude::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde_json::Value;

use crate::support::outbound::{self, Lab, Served};
use crate::support::{self, formats, serve};

/// An in-process TLS server serving `served`.
fn https(served: &Served) -> serve::Running {
    let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(served.chain_pem.as_bytes())
        .map(|c| c.unwrap().to_vec())
        .collect();
    let key = PrivatePkcs8KeyDer::from_pem_slice(served.key_pem.as_bytes()).unwrap();
    serve::start(serve::tls_config(
        &chain,
        key.secret_pkcs8_der(),
        "behind the proxy",
    ))
}

/// `trustpath probe --json URL …` with the lab truststore and no proxy from the caller's environment
/// unless `env` sets one; (exit code, endpoint, stdout + stderr).
fn probe(lab: &Lab, url: &str, extra: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut cmd = Command::cargo_bin("trustpath").unwrap();
    for var in ["https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "probe",
            url,
            "--json",
            "--timeout",
            "5",
            "--storepass",
            "changeit",
        ])
        .arg("--truststore")
        .arg(lab.truststore())
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = formats::json("probe.schema.json", &out.stdout);
    (
        out.status.code().unwrap_or(-1),
        doc["endpoints"][0].clone(),
        text,
    )
}

fn tools() -> bool {
    support::have_tool("keytool") && support::have_tool("java")
}

#[test]
fn https_through_a_real_proxy_is_judged_as_directly_and_the_jvm_tunnelling_agrees() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let Some(proxy) = outbound::tinyproxy("") else {
        return;
    };
    let proxy_port = proxy.port("proxy");
    let proxy_url = format!("http://127.0.0.1:{proxy_port}");
    for (served, code) in [(&lab.good, None), (&lab.untrusted, Some("untrusted-root"))] {
        let server = https(served);
        let port = server.addr.port();
        let url = format!("https://localhost:{port}/");
        let (exit, endpoint, text) = probe(&lab, &url, &["--proxy", &proxy_url], &[]);
        let jvm = outbound::java_verdict_via("tls", port, &lab.truststore(), Some(proxy_port));
        let context = format!("{text}\nJVM {jvm:?}\nproxy log:\n{}", proxy.guard.log());
        assert_eq!(endpoint["trusted"], jvm.trusted(), "{context}");
        assert_eq!(
            endpoint["address"],
            format!("127.0.0.1:{proxy_port}"),
            "{context}"
        );
        assert!(
            proxy
                .guard
                .log()
                .contains(&format!("CONNECT localhost:{port}")),
            "{context}"
        );
        match code {
            None => assert_eq!(exit, 0, "{context}"),
            Some(code) => {
                assert_eq!(exit, 1, "{context}");
                assert_eq!(endpoint["findings"][0]["code"], code, "{context}");
            }
        }
    }
}

#[test]
fn https_proxy_and_no_proxy_apply_as_curl_reads_them() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let Some(proxy) = outbound::tinyproxy("") else {
        return;
    };
    let proxy_port = proxy.port("proxy");
    let server = https(&lab.good);
    let port = server.addr.port();
    let url = format!("https://localhost:{port}/");
    let env_proxy = format!("http://127.0.0.1:{proxy_port}");
    let (exit, endpoint, text) = probe(&lab, &url, &[], &[("https_proxy", &env_proxy)]);
    assert_eq!(exit, 0, "{text}");
    assert_eq!(
        endpoint["address"],
        format!("127.0.0.1:{proxy_port}"),
        "{text}"
    );
    let (exit, endpoint, text) = probe(
        &lab,
        &url,
        &[],
        &[
            ("HTTPS_PROXY", &env_proxy),
            ("no_proxy", ".example.test, localhost"),
        ],
    );
    assert_eq!(exit, 0, "{text}");
    assert_eq!(endpoint["address"], format!("127.0.0.1:{port}"), "{text}");
    let (_, endpoint, text) = probe(
        &lab,
        &url,
        &["--no-env-proxy"],
        &[("https_proxy", &env_proxy)],
    );
    assert_eq!(endpoint["address"], format!("127.0.0.1:{port}"), "{text}");
}

#[test]
fn a_proxy_refusing_the_tunnel_is_a_finding_quoting_its_status_line() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    // Like most corporate proxies: CONNECT to 443 only.
    let Some(proxy) = outbound::tinyproxy("ConnectPort 443") else {
        return;
    };
    let server = https(&lab.good);
    let url = format!("https://localhost:{}/", server.addr.port());
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port("proxy"));
    let (exit, endpoint, text) = probe(&lab, &url, &["--proxy", &proxy_url], &[]);
    assert_eq!(exit, 1, "{text}");
    let finding = &endpoint["findings"][0];
    assert_eq!(finding["code"], "proxy-failed", "{text}");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("refused the tunnel to localhost:")
            && finding["message"]
                .as_str()
                .unwrap()
                .contains("403 Access violation"),
        "{text}"
    );
}

#[test]
fn proxy_credentials_are_sent_and_never_printed() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let secret = "s3cret-Pw-for-the-proxy";
    let Some(proxy) = outbound::tinyproxy(&format!("BasicAuth alice {secret}")) else {
        return;
    };
    let server = https(&lab.good);
    let url = format!("https://localhost:{}/", server.addr.port());
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port("proxy"));

    let (exit, endpoint, text) = probe(&lab, &url, &["--proxy", &proxy_url], &[]);
    assert_eq!(exit, 1, "{text}");
    assert!(text.contains("407"), "{text}");
    assert!(
        endpoint["findings"][0]["remediation"]
            .as_str()
            .unwrap()
            .contains("--proxy-user-env"),
        "{text}"
    );

    let creds = format!("alice:{secret}");
    let (exit, _, text) = probe(
        &lab,
        &url,
        &["--proxy", &proxy_url, "--proxy-user-env", "CORP_PROXY_USER"],
        &[("CORP_PROXY_USER", &creds)],
    );
    assert_eq!(exit, 0, "{text}");
    assert!(!text.contains(secret), "{text}");
    // Credentials in the URL work too, and are not printed either (not even in a human report).
    let with_url = format!("http://alice:{secret}@127.0.0.1:{}", proxy.port("proxy"));
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .args([
            "probe",
            &url,
            "--timeout",
            "5",
            "--storepass",
            "changeit",
            "--proxy",
            &with_url,
        ])
        .arg("--truststore")
        .arg(lab.truststore())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains(secret), "{text}");
}
