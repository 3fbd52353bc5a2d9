//! Fuzzes the parser of a legacy TLS server's first flight (records, handshake messages, ServerHello,
//! Certificate) read after the raw ClientHello: the first byte chooses where the input is split into two
//! pieces, as the network may deliver it. Any bytes give a hello, an error or "more needed", never a
//! panic; the same bytes in one piece give the same answer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustpath::probe::legacy;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = (split as usize).min(rest.len());
    let pieces = legacy::parse_flight([&rest[..at], &rest[at..]]);
    let whole = legacy::parse_flight([rest]);
    assert_eq!(pieces, whole);
});
