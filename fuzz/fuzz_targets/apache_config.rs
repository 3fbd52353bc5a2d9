//! Fuzzes the Apache httpd reader: logical lines, sections, Include/IncludeOptional (the input can include
//! itself and a second copy, so cycles and nesting across files are reached) and the virtual hosts. Any
//! text gives a configuration or an error, never a panic, a stack overflow or a hang.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustpath::config::{MemLoader, apache};

fuzz_target!(|data: &[u8]| {
    let mem = MemLoader::new()
        .with("/etc/apache2/apache2.conf", data.to_vec())
        .with("/etc/apache2/sites-enabled/site.conf", data.to_vec());
    let _ = apache::load(&mem, Path::new("/etc/apache2/apache2.conf"));
});
