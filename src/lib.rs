//! estate
