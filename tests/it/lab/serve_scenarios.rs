//! `trustpath serve`: every fault scenario serves the intended chain; pages, WebSocket upgrades and a
//! thousand concurrent handshakes work; the binary prints its address first and stops by itself; the
//! JVM judges a few scenarios as an app server would.

use crate::support;

use support::serve as serve_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serve_support::{get, https_exchange, runtime, served_chain, start, tls_config};
use support::{JavaTrust, have_tool, java_handshake};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trustpath::cert::Certificate;
use trustpath::pki::scenario::{self, SCENARIOS, Scenario};
use trustpath::serve::ServeConfig;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn serve_scenario(sc: &Scenario) -> serve_support::Running {
    start(ServeConfig::scenario(sc, "127.0.0.1:0".parse().unwrap()))
}

fn subjects(chain: &[Certificate]) -> Vec<String> {
    chain.iter().map(|c| c.info().subject.clone()).collect()
}

#[test]
fn every_scenario_serves_exactly_its_chain() {
    for info in SCENARIOS {
        let sc = scenario::build(info.name, "localhost", now()).unwrap();
        let server = serve_scenario(&sc);
        if sc.tls {
            let served = runtime().block_on(served_chain(server.addr, "localhost"));
            let expected: Vec<Vec<u8>> = sc.chain.iter().map(|c| c.der().to_vec()).collect();
            assert_eq!(served, expected, "{}: served chain differs", info.name);
        } else {
            let reply = runtime().block_on(async {
                let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
                tcp.write_all(&get("localhost", "/")).await.unwrap();
                let mut out = Vec::new();
                tcp.read_to_end(&mut out).await.unwrap();
                String::from_utf8_lossy(&out).into_owned()
            });
            assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
        }
        server.stop();
    }
}

#[test]
fn each_scenario_has_the_fault_its_name_promises() {
    let t = now().unix_timestamp();
    let build = |name| scenario::build(name, "localhost", now()).unwrap();
    let issued_by =
        |c: &Certificate, issuer: &Certificate| c.info().issuer_raw == issuer.info().subject_raw;

    let good = build("good");
    assert_eq!(good.chain.len(), 2);
    assert!(issued_by(&good.chain[1], &good.trust_anchor));
    assert!(
        good.chain[0]
            .info()
            .dns_names
            .contains(&"localhost".to_owned())
    );
    assert!(
        good.chain[0]
            .info()
            .ip_addresses
            .contains(&"127.0.0.1".to_owned())
    );

    assert_eq!(build("missing-intermediate").chain.len(), 1);

    let wrong = build("wrong-order");
    assert_eq!(wrong.chain.len(), 3);
    assert!(
        issued_by(&wrong.chain[0], &wrong.chain[2]),
        "{:?}",
        subjects(&wrong.chain)
    );
    assert!(issued_by(&wrong.chain[1], &wrong.trust_anchor));

    let served_root = build("served-root");
    assert_eq!(served_root.chain.last(), Some(&served_root.trust_anchor));

    assert!(build("expired").chain[0].info().not_after < t);
    assert!(build("not-yet-valid").chain[0].info().not_before > t);

    let wrong_host = build("wrong-host");
    assert_eq!(
        wrong_host.chain[0].info().dns_names,
        vec![scenario::WRONG_HOST.to_owned()]
    );

    let self_signed = build("self-signed");
    assert!(self_signed.chain[0].info().self_issued);
    assert_ne!(self_signed.chain[0], self_signed.trust_anchor);

    let untrusted = build("untrusted-root");
    assert!(!issued_by(&untrusted.chain[1], &untrusted.trust_anchor));

    assert_eq!(
        build("sha1").chain[0].info().signature_algorithm,
        "SHA1withRSA"
    );
    assert_eq!(
        build("rsa-1024").chain[1].info().key,
        trustpath::cert::KeyInfo::Rsa { bits: 1024 }
    );
    assert_eq!(
        build("client-eku").chain[0].info().extended_key_usage,
        Some(vec!["1.3.6.1.5.5.7.3.2".to_owned()])
    );
    assert!(!build("plaintext-http").tls);
}

#[test]
fn legacy_signatures_verify_with_openssl() {
    if !have_tool("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in ["sha1", "rsa-1024"] {
        let sc = scenario::build(name, "localhost", now()).unwrap();
        let root = dir.path().join(format!("{name}-root.pem"));
        let inter = dir.path().join(format!("{name}-inter.pem"));
        let leaf = dir.path().join(format!("{name}-leaf.pem"));
        std::fs::write(&root, sc.trust_anchor_pem()).unwrap();
        std::fs::write(&inter, sc.chain[1].to_pem()).unwrap();
        std::fs::write(&leaf, sc.chain[0].to_pem()).unwrap();
        // Security level 0 admits SHA-1 and RSA-1024, so only the signatures themselves are judged.
        let out = support::run_ok(
            Command::new("openssl")
                .args(["verify", "-auth_level", "0", "-CAfile"])
                .arg(&root)
                .arg("-untrusted")
                .arg(&inter)
                .arg(&leaf),
        );
        assert!(out.contains(": OK"), "{name}: {out}");
    }
}

#[test]
fn a_page_and_a_websocket_upgrade_are_answered_on_any_path() {
    let sc = scenario::build("good", "localhost", now()).unwrap();
    let server = serve_scenario(&sc);
    let root = sc.trust_anchor.der().to_vec();
    let page = runtime().block_on(https_exchange(
        server.addr,
        "localhost",
        &root,
        &get("localhost", "/wiki/x"),
    ));
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("trustpath serve: scenario good"), "{page}");

    // RFC 6455 §1.3's example key, then one masked text frame "hi" and a close frame.
    let mut request = b"GET /synchrony/v1/bayeux-sync1 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        .to_vec();
    let mask = [1u8, 2, 3, 4];
    request.extend_from_slice(&[0x81, 0x82]);
    request.extend_from_slice(&mask);
    request.extend(b"hi".iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    request.extend_from_slice(&[0x88, 0x82]);
    request.extend_from_slice(&mask);
    request.extend(
        [0x03u8, 0xe8]
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[i % 4]),
    );
    let bytes = runtime().block_on(serve_support::https_exchange_bytes(
        server.addr,
        "localhost",
        &root,
        &request,
    ));
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let (head, frames) = bytes.split_at(split);
    let reply = String::from_utf8_lossy(head);
    assert!(
        reply.starts_with("HTTP/1.1 101 Switching Protocols"),
        "{reply}"
    );
    // Header names are case-insensitive (hyper writes them title-cased: Sec-Websocket-Accept).
    assert!(
        reply.lines().any(
            |l| l.to_ascii_lowercase().starts_with("sec-websocket-accept: ")
                && l.ends_with(": s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        ),
        "{reply}"
    );
    assert_eq!(&frames[..4], &[0x81, 0x02, b'h', b'i'], "echoed text frame");
    assert_eq!(&frames[4..8], &[0x88, 0x02, 0x03, 0xe8], "close frame");
    let stats = server.stop();
    assert_eq!((stats.pages, stats.websockets), (1, 1));
}

#[test]
fn a_thousand_concurrent_handshakes_are_all_completed() {
    const CLIENTS: u64 = 1000;
    // Client and server sockets share this process: 2,000 descriptors and more.
    raise_open_file_limit(4096);
    let sc = scenario::build("good", "localhost", now()).unwrap();
    let chain: Vec<Vec<u8>> = sc.chain.iter().map(|c| c.der().to_vec()).collect();
    let mut config = tls_config(&chain, &sc.key_pkcs8, "load");
    // The thousand handshakes queue behind each other on two cores shared with the rest of the suite: the
    // server's guards against clients that never finish (the handshake timeout, and the drain after
    // `max_connections`) must not decide whether it copes with them all, so it runs until they are done.
    config.handshake_timeout = Duration::from_secs(120);
    let server = start(config);
    let addr = server.addr;
    let connector = serve_support::trusting_connector(sc.trust_anchor.der());
    let ok = runtime().block_on(async move {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..CLIENTS {
            let connector = connector.clone();
            tasks.spawn(async move {
                let tcp = tokio::net::TcpStream::connect(addr).await?;
                let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
                let mut tls = connector.connect(name, tcp).await?;
                tls.write_all(&get("localhost", "/")).await?;
                let mut out = Vec::new();
                tls.read_to_end(&mut out).await?;
                std::io::Result::Ok(out.starts_with(b"HTTP/1.1 200"))
            });
        }
        let mut ok = 0u64;
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(true) => ok += 1,
                other => panic!("a client failed: {other:?}"),
            }
        }
        ok
    });
    assert_eq!(ok, CLIENTS);
    let stats = server.stop();
    assert_eq!(stats.connections, CLIENTS);
    assert_eq!(stats.handshake_failures, 0);
    assert_eq!(stats.pages, CLIENTS);
}

#[test]
fn the_binary_prints_its_address_first_and_the_jvm_judges_every_scenario() {
    if !have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // (scenario, name the client asks for, trusted by the JVM with the written truststore). SHA-1 and
    // RSA-1024 pass: the JDK refuses them only under its own cacerts roots (jdkCA) or below 1024 bits.
    for (name, host, trusted) in [
        ("good", "localhost", true),
        ("good", "127.0.0.1", true),
        ("missing-intermediate", "localhost", false),
        ("wrong-order", "localhost", true),
        ("served-root", "localhost", true),
        ("expired", "localhost", false),
        ("not-yet-valid", "localhost", false),
        ("wrong-host", "localhost", false),
        ("self-signed", "localhost", false),
        ("untrusted-root", "localhost", false),
        ("sha1", "localhost", true),
        ("rsa-1024", "localhost", true),
        ("client-eku", "localhost", false),
    ] {
        let trust = dir.path().join(format!("{name}-{host}.jks"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustpath"))
            .args([
                "serve",
                "--scenario",
                name,
                "--listen",
                "127.0.0.1:0",
                "--trust-format",
                "jks",
            ])
            .arg("--write-trust")
            .arg(&trust)
            .args(["--max-connections", "1", "--for", "60"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let port: u16 = first
            .strip_prefix("listening on 127.0.0.1:")
            .unwrap_or_else(|| panic!("first line: {first}"))
            .parse()
            .unwrap();
        let verdict = java_handshake(
            None,
            JavaTrust::SystemProperty {
                path: &trust,
                password: Some("changeit"),
            },
            port,
            host,
        );
        assert_eq!(verdict.trusted(), trusted, "{name} for {host}: {verdict:?}");
        let status = wait_with_timeout(&mut child, Duration::from_secs(30));
        assert!(status.success(), "{name}: serve exited with {status}");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(
            rest.iter()
                .any(|l| l.starts_with("stopped after 1 connection")),
            "{rest:?}"
        );
    }
}

fn wait_with_timeout(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("trustpath serve did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustpath"))
        .args(["serve", "--scenario", "good", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("listening on 127.0.0.1:"), "{first}");
    support::run_ok(Command::new("kill").arg("-INT").arg(child.id().to_string()));
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    assert!(status.success(), "interrupted serve exited with {status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter()
            .any(|l| l.starts_with("stopped after 0 connection")),
        "{rest:?}"
    );
}

/// Raises this process's soft limit on open files to at least `want` (up to the hard limit), with
/// util-linux `prlimit` on our own pid, when the current soft limit is lower (a 1024 default).
fn raise_open_file_limit(want: u64) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let Some(line) = limits.lines().find(|l| l.starts_with("Max open files")) else {
        return;
    };
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (soft, hard) = (
        fields.get(3).and_then(|s| s.parse::<u64>().ok()),
        fields.get(4).copied(),
    );
    if soft.is_some_and(|s| s >= want) {
        return;
    }
    let hard = hard.unwrap_or("unlimited");
    let target = match hard.parse::<u64>() {
        Ok(h) => h.min(65536).to_string(),
        Err(_) => "65536".to_owned(),
    };
    let status = Command::new("prlimit")
        .arg("--pid")
        .arg(std::process::id().to_string())
        .arg(format!("--nofile={target}:{hard}"))
        .status();
    eprintln!("raised the open-file limit to {target}: {status:?}");
}

#[test]
fn serve_plain_stands_in_for_a_node_behind_a_proxy_with_its_label() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["serve", "--plain", "--label", "synchrony node"])
        .args([
            "--listen",
            "127.0.0.1:0",
            "--max-connections",
            "1",
            "--for",
            "60",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first.trim_start_matches("listening on ").to_owned();
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    use std::io::{Read, Write};
    tcp.write_all(b"GET /synchrony/heartbeat HTTP/1.1\r\nHost: node\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    tcp.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("trustpath serve: synchrony node"), "{page}");
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    assert!(status.success(), "{status}");
}
