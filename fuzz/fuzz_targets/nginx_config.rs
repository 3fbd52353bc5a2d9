//! Fuzzes the nginx reader: tokenizer, blocks, includes (the input includes itself and a second copy of
//! itself, so cycles and nesting across files are reached) and the interpretation of servers and
//! locations. Any text gives a configuration or an error, never a panic, a stack overflow or a hang.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustpath::config::{MemLoader, nginx};

fuzz_target!(|data: &[u8]| {
    let mem = MemLoader::new()
        .with("/etc/nginx/nginx.conf", data.to_vec())
        .with("/etc/nginx/conf.d/site.conf", data.to_vec());
    let _ = nginx::load(&mem, Path::new("/etc/nginx/nginx.conf"));
    let _ = nginx::load(&mem, Path::new("/etc/nginx/conf.d/site.conf"));
});
