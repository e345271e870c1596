//! The one integration-test binary: every area's end-to-end tests run the
//! real `estate` in its own temporary folder with its own register.

mod api;
mod bad_inputs;
mod browser;
mod concurrency;
mod departments;
mod durability;
mod exports;
mod file_shapes;
mod forecast;
mod funding;
mod fuzz;
mod hostile;
mod import;
mod import_bulk;
mod import_reading;
mod import_speed;
mod money;
mod papers;
mod readme;
mod real_files;
mod register;
mod report;
mod report_memory;
mod running;
mod serve;
mod serve_pages;
mod slips_files;
mod slips_forget;
mod slips_records;
mod slips_register;
mod support;
mod trust;
mod util;
