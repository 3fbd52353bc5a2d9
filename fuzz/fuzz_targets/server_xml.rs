//! Fuzzes the `server.xml` reader: the entity-expansion bound, the XML parser and the connectors. Any
//! text gives the connectors or an error, never a panic, a giant allocation or a hang.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustpath::config::tomcat;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = tomcat::parse_text(&text, Path::new("/opt/tomcat/conf/server.xml"));
});
