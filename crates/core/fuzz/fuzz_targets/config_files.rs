//! The credentials profile (INI) and regions file (YAML) parsers on arbitrary text: never
//! panic, and a profile's SK never appears in an error.
#![no_main]

use huaweicloud_sdk_core::credentials::parse_profile;
use huaweicloud_sdk_core::region::parse_regions_file;
use libfuzzer_sys::fuzz_target;

const SK: &str = "fuzzProfileSecretKey";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).replace("SK", SK);
    if let Err(e) = parse_profile(&text, "fuzz") {
        let shown = format!("{e}\n{e:?}");
        assert!(!shown.contains(SK), "{shown}");
    }
    let _ = parse_regions_file(&text, "fuzz", "DCS", "cn-north-4");
});
