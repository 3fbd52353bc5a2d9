//! Fuzzes the `server.xml` reader: the entity-expansion bound, the XML parser and the connectors, and on a
//! refusal the guess of what the file looks like (`config::kind`, which parses XML again). Any text gives
//! the connectors or an error, never a panic, a giant allocation or a hang.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustpath::config::{MemLoader, tomcat};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("/opt/tomcat/conf/server.xml");
    let mem = MemLoader::new().with(path, data.to_vec());
    let _ = tomcat::load(&mem, path);
});
