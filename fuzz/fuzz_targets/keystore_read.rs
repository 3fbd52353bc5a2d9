//! Fuzzes the JKS and JCEKS readers: any input must give a store or an error, never a panic, a hang or a
//! giant allocation. Reads without the integrity check (so mutated bodies reach every branch) and with a
//! password; a store that reads is written back and must read again with the same entries, and the
//! two-step write of an edit (body, then the digest the read-back computes) must agree with it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustpath::truststore::{self, jceks, jks};

fuzz_target!(|data: &[u8]| {
    for store in [jks::read_unverified(data), jceks::read_unverified(data)]
        .into_iter()
        .flatten()
    {
        let _ = jks::read(data, "changeit");
        let written = match store.format {
            trustpath::truststore::StoreFormat::Jks => jks::write(&store, "changeit"),
            _ => jceks::write(&store, "changeit"),
        };
        // Writing may refuse (colliding aliases, keys it cannot re-protect); what it writes must read back.
        if let Ok(bytes) = written {
            let back = jceks::read(&bytes, "changeit").expect("trustpath reads what it wrote");
            assert_eq!(back.entries.len(), store.entries.len());
            let encoded = truststore::encode(&store, store.format, "changeit").expect("encodes");
            let tail = encoded
                .verify(&store, "changeit")
                .expect("what trustpath encodes reads back as meant");
            // (Not byte-equal to `bytes`: a re-protected key gets a fresh salt on every write.)
            let whole = [&encoded.body[..], &tail[..]].concat();
            let again = jceks::read(&whole, "changeit").expect("the body and its digest read back");
            assert_eq!(again.entries.len(), store.entries.len());
        }
    }
});
