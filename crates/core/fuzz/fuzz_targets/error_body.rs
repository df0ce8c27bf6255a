//! The service error parser on arbitrary bodies: never panics, never returns the secrets.
#![no_main]

use huaweicloud_sdk_core::Error;
use huaweicloud_sdk_core::error::{Scrubber, parse_service_error};
use libfuzzer_sys::fuzz_target;

const SK: &str = "fuzzSecretKey0000000000000000000000000SK";
const TOKEN: &str = "fuzz-security-token+/==";

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(500, |b| 400 + u16::from(*b));
    let body = data.get(1..).unwrap_or_default();
    // Plant the secrets where the input says so, to reach the scrubber's edge cases.
    let planted: Vec<u8> = String::from_utf8_lossy(body)
        .replace("SK", SK)
        .replace("TK", TOKEN)
        .into_bytes();
    let parsed = parse_service_error(status, None, &planted, &Scrubber::new([SK, TOKEN]));
    let err = Error::service(parsed);
    let shown = format!("{err}\n{err:?}");
    assert!(!shown.contains(SK) && !shown.contains(TOKEN), "{shown}");
});
