//! libFuzzer target: the cell and row normalisers (see `estate_fuzz::cells`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_fuzz::cells(data));
