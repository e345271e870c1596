//! Rebuilds when a migration changes, since `refinery::embed_migrations!`
//! reads the `migrations/` folder at compile time.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
