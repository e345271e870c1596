//! libFuzzer target: a whole delimited text file through import
//! (see `estate_fuzz::file`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_fuzz::file(
    &estate_fuzz::scratch(),
    "input.csv",
    data
));
