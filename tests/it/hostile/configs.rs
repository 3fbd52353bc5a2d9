//! Server configurations: nginx and Apache nested thousands deep, including `/dev/zero`, the same 4 MB
//! file included 500 times, 100 MB main files; `server.xml` entity bombs (one entity referenced 20,000
//! times, billion laughs), 200,000 nested elements; and damaged copies of the committed configurations.

use std::path::Path;

use super::{HUNDRED_MB, bit_flips, damaged, refused, sparse, truncations, watched};

#[test]
fn nginx_and_apache_nesting_and_include_bombs_are_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, text: String| {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let deep = write(
        "deep-nginx.conf",
        format!(
            "http {{\n{}{}}}\n",
            "a {\n".repeat(20_000),
            "}\n".repeat(20_000)
        ),
    );
    refused(
        &["discover", "--nginx", deep.to_str().unwrap()],
        &["deep-nginx.conf:65", "nested deeper than 64 levels"],
    );
    let deep = write(
        "deep-apache.conf",
        format!(
            "<VirtualHost *:80>\n{}{}</VirtualHost>\n",
            "<Location />\n".repeat(10_000),
            "</Location>\n".repeat(10_000)
        ),
    );
    refused(
        &["discover", "--apache", deep.to_str().unwrap()],
        &["deep-apache.conf:65", "nested deeper than 64 sections"],
    );
    let zero = write("zero.conf", "http { include /dev/zero; }\n".into());
    refused(
        &["discover", "--nginx", zero.to_str().unwrap()],
        &["zero.conf:1: cannot read /dev/zero: is a character device"],
    );
    let zero = write("zero-apache.conf", "Include /dev/zero\n".into());
    refused(
        &["discover", "--apache", zero.to_str().unwrap()],
        &["zero-apache.conf:1: cannot read /dev/zero"],
    );
    write(
        "big.conf",
        format!("# {}\n", "x".repeat(4 * 1024 * 1024 - 100)),
    );
    let bomb = write(
        "bomb.conf",
        format!("http {{\n{}}}\n", "include big.conf;\n".repeat(500)),
    );
    let w = refused(
        &["discover", "--nginx", bomb.to_str().unwrap()],
        &["bomb.conf:5", "more than 16777216 bytes"],
    );
    assert!(w.max_rss_kib < 256 * 1024, "{}", w.summary());
    let bomb = write("bomb-apache.conf", "Include big.conf\n".repeat(500));
    refused(
        &["discover", "--apache", bomb.to_str().unwrap()],
        &["bomb-apache.conf:4", "more than 16777216 bytes"],
    );
    let huge = d.join("huge.conf");
    sparse(&huge, b"http {\n", HUNDRED_MB);
    refused(
        &["discover", "--nginx", huge.to_str().unwrap()],
        &[
            "huge.conf",
            "larger than the 4194304-byte limit for one file",
        ],
    );
}

#[test]
fn server_xml_entity_bombs_are_refused_and_deep_nesting_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    let write = |name: &str, text: String| {
        let p = conf.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let dtd = |decls: &str, body: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE Server [\n{decls}\n]>\n<Server>{body}</Server>\n"
        )
    };
    let bomb = write(
        "bomb.xml",
        dtd(
            &format!("<!ENTITY big \"{}\">", "x".repeat(100_000)),
            &"&big;".repeat(20_000),
        ),
    );
    refused(
        &["discover", "--tomcat", bomb.to_str().unwrap()],
        &["bomb.xml:1", "more than 16777216 bytes", "'&big;'"],
    );
    let mut laughs = String::from("<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&lol{};", i - 1).repeat(10)
        ));
    }
    let laughs = write("laughs.xml", dtd(&laughs, "&lol9;"));
    refused(
        &["discover", "--tomcat", laughs.to_str().unwrap()],
        &["laughs.xml:1", "entity bomb"],
    );
    let deep = write(
        "deep.xml",
        format!(
            "<Server>{}{}<Service><Connector port=\"8080\"/></Service></Server>\n",
            "<a>".repeat(200_000),
            "</a>".repeat(200_000)
        ),
    );
    let w = watched(&["discover", "--tomcat", deep.to_str().unwrap()]);
    assert_eq!(w.code, Some(0), "{}", w.summary());
    assert!(w.stdout.contains("8080"), "{}", w.stdout);
    let huge = conf.join("huge.xml");
    sparse(&huge, b"<Server>", HUNDRED_MB);
    refused(
        &["discover", "--tomcat", huge.to_str().unwrap()],
        &["huge.xml", "larger than the 4194304-byte limit"],
    );
}

#[test]
fn damaged_copies_of_the_committed_configurations_end_in_bounded_time() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs");
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("--nginx", "same-host-nginx/nginx.conf"),
        ("--apache", "same-host-apache/sites-enabled/docs.conf"),
        ("--tomcat", "https-tomcat/server.xml"),
    ];
    for (option, rel) in cases {
        let bytes = std::fs::read(fixtures.join(rel)).unwrap();
        for (i, variant) in truncations(&bytes, 6)
            .into_iter()
            .chain(bit_flips(&bytes, 6))
            .enumerate()
        {
            let sub = dir
                .path()
                .join(format!("{}-{i}", option.trim_start_matches('-')));
            std::fs::create_dir_all(sub.join("conf")).unwrap();
            let path = sub.join("conf").join(Path::new(rel).file_name().unwrap());
            std::fs::write(&path, &variant).unwrap();
            damaged(&["discover", option, path.to_str().unwrap()]);
        }
    }
}
