//! The nginx tokenizer judged by nginx itself (`nginx -t`, Debian package; skipped when absent): a
//! configuration nginx accepts is read with the expected servers, and for broken configurations
//! trustpath's error names the same file and line as nginx's.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::have_tool;
use trustpath::config::{self, ConfigError, FsLoader};

/// `nginx -t` on `conf`: `Ok(())` or the `file:line` of its error.
fn nginx_test(dir: &Path, conf: &Path) -> Result<(), String> {
    let out = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(conf)
        .args(["-e", "stderr", "-g"])
        .arg(format!("pid {}/nginx.pid;", dir.display()))
        .output()
        .unwrap();
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("[emerg]"))
        .unwrap_or_else(|| panic!("no [emerg] line in: {err}"));
    let at = line.rsplit(" in ").next().unwrap().trim().to_owned();
    Err(at)
}

fn ours(conf: &Path) -> Result<trustpath::config::nginx::NginxConfig, ConfigError> {
    config::nginx::load(&FsLoader, conf)
}

#[test]
fn a_configuration_nginx_accepts_is_read_with_its_servers_locations_and_includes() {
    if !have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sites")).unwrap();
    std::fs::write(
        d.join("nginx.conf"),
        r#"# quoted, escaped and variable-laden, as real configurations are
events { worker_connections 16; }
http {
    access_log off;
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    upstream "synchrony" { server 127.0.0.1:8091; }
    include sites/*.conf;
}
"#,
    )
    .unwrap();
    std::fs::write(
        d.join("sites/wiki.conf"),
        "server {\n    listen 127.0.0.1:18080;\n    server_name wiki.example.test \"wiki\";\n    add_header X-Note \"a \\\"quoted\\\" value; with ; and { }\";\n    location / { proxy_pass http://127.0.0.1:8090; }\n    location ~* ^/synchrony/(v1|v2)$ {\n        proxy_pass http://synchrony;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n        proxy_read_timeout 1h;\n    }\n    location /s/ { if ($http_upgrade) { return 426; } proxy_pass http://127.0.0.1:8090/s/; }\n}\n",
    )
    .unwrap();
    nginx_test(d, &d.join("nginx.conf")).expect("nginx rejects the test configuration");
    let c = ours(&d.join("nginx.conf")).unwrap();
    assert_eq!(c.upstreams[0].name, "synchrony");
    let s = &c.servers[0];
    assert_eq!(s.names, ["wiki.example.test", "wiki"]);
    assert_eq!(s.listens[0].port, 18080);
    let paths: Vec<&str> = s.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["/", "^/synchrony/(v1|v2)$", "/s/"]);
    let rtc = &s.locations[1];
    assert_eq!(rtc.modifier.as_deref(), Some("~*"));
    assert_eq!(rtc.read_timeout.as_ref().unwrap().value, 3600);
    assert!(trustpath::config::front::nginx_websocket(rtc));
    assert_eq!(rtc.source.to_string(), "sites/wiki.conf:6");
}

#[test]
fn syntax_errors_are_reported_at_the_line_nginx_reports() {
    if !have_tool("nginx") {
        return;
    }
    let cases = [
        "events {}\nhttp {\n  server {\n    listen 80\n  }\n}\n",
        "events {}\nhttp {\n  server {\n    listen 80;\n",
        "events {}\nhttp {\n  server {\n    listen 80;\n  }",
        "events {}\nhttp { add_header X \"b\n\n",
        "events {}\nhttp { add_header X \"b\"c; }\n",
        "events {}\n}\n",
        "events {}\nhttp {\n ;\n}\n",
        "events {}\nhttp {\n  server { listen 80; }\n  include missing/site.conf;\n}\n",
        "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      return 200 'x\ny';\n    }\n  }\n  }\n}\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, text).unwrap();
        let theirs = nginx_test(dir.path(), &conf).expect_err("nginx accepted a broken case");
        let mine = ours(&conf)
            .expect_err("trustpath accepted a broken case")
            .to_string();
        let line = theirs.rsplit(':').next().unwrap();
        assert!(
            mine.starts_with(&format!("nginx.conf:{line}: ")),
            "case {i}: nginx says {theirs}, trustpath says {mine}"
        );
    }
}
