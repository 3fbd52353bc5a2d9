//! Fuzzes the PEM bundle reader and its alias comments: any text gives a store or an error, never a
//! panic; a bundle that reads is written back and must read again with the same aliases (the comments
//! trustpath writes carry them).

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustpath::truststore::{self, StoreFormat, pem_bundle};

fuzz_target!(|data: &[u8]| {
    let _ = pem_bundle::read_pem(data);
    let Ok(store) = truststore::read(data, "changeit") else {
        return;
    };
    if store.format != StoreFormat::Pem {
        return;
    }
    // Writing may refuse (an alias a comment cannot carry); what it writes must read back as it was.
    if let Ok(bytes) = truststore::write(&store, StoreFormat::Pem, "changeit") {
        let back = truststore::read(&bytes, "changeit").expect("trustpath reads what it wrote");
        let aliases = |s: &truststore::TrustStore| -> Vec<String> {
            s.entries.iter().map(|e| e.alias.to_lowercase()).collect()
        };
        assert_eq!(aliases(&back), aliases(&store));
    }
});
