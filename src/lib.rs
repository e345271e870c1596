//! estate keeps a public body's ICT asset register in an embedded `SQLite`
//! database and plans its refresh cycle: a five-year capital programme by UK
//! financial year, from replacement rules, prices and inflation.
//!
//! The library does all the work; the `estate` binary only translates flags
//! into calls here and prints what comes back. The library never prints and
//! never exits.
//!
//! A front end calls the use cases in [`ops`] with plain request types,
//! through one handle on the register ([`Register`]), and gets records back
//! (rendered by the views of [`report`] and [`views`]) or one error type
//! ([`Error`], whose [`ErrorKind`] gives an exit code or an HTTP status).

pub mod accounts;
pub mod db;
pub mod domain;
pub mod error;
pub mod forecast;
pub mod generate;
pub mod import;
pub mod ops;
pub mod output_file;
pub mod policy;
pub mod register;
pub mod report;
pub mod running;
#[path = "report/views.rs"]
pub mod views;
pub mod vocabulary;
pub mod web;

pub use error::{Error, ErrorKind, Result};
pub use ops::Register;
