//! Fuzzes the deployment file reader: TOML, the schema and the validation (roles, URLs, headers). Any
//! text gives a deployment or an error, never a panic or a stack overflow.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustpath::deploy::model;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = model::parse(text, "fuzz.toml", Path::new("/etc/trustpath"));
    }
});
