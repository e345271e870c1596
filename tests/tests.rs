
mod import;
