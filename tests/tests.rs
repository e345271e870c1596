//! The one integration-test binary: every area's end-to-end tests run the
//! real `estate` in its own temporary folder with its own register.

mod forecast;
mod import;
mod readme;
mod register;
mod report;
mod running;
mod trust;
mod util;
