//! libFuzzer target: a whole workbook (xlsx, xlsb, xls, ods: told by its
//! content) through import (see `estate_fuzz::file`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_fuzz::file(
    &estate_fuzz::scratch(),
    "input.xlsx",
    data
));
