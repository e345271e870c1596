//! The fuzz targets (`fuzz/src/lib.rs`) on stable Rust, in every `cargo
//! test`: each target runs over its corpus (`fuzz/corpus/<target>/`), the
//! crash reproducers kept in `tests/data/fuzz-regressions/<target>/`, and a
//! fixed number of deterministic mutations of them (the same inputs on
//! every run). Workbooks are also mutated inside: a part is unzipped,
//! mutated and zipped again, so the spreadsheet XML is fuzzed, not only the
//! zip around it. libFuzzer's long runs are described in `fuzz/README.md`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use estate::generate::Rng;

#[path = "../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    reason = "`scratch` is for the libFuzzer targets; the tests use their own folders"
)]
mod targets;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The inputs in a folder, in name order (documentation files skipped).
fn inputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read a corpus file");
            (p, bytes)
        })
        .collect()
}

/// A target's committed corpus and regressions.
fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = inputs(&root().join("fuzz/corpus").join(target));
    all.extend(inputs(
        &root().join("tests/data/fuzz-regressions").join(target),
    ));
    assert!(!all.is_empty(), "no corpus for {target}");
    all
}

/// Texts a mutation may insert: the characters and values that have broken
/// parsers before (separators, quotes, signs, huge and impossible numbers,
/// byte-order marks, formula starts, spreadsheet error values).
const TOKENS: &[&str] = &[
    "\"",
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    "=",
    "+",
    "-",
    "@",
    "£",
    "€",
    "(",
    ")",
    "%",
    "/",
    ".",
    "0",
    "-1",
    "1e308",
    "NaN",
    "99999999999999999999999999999",
    "31/02/2024",
    "2024-13-01",
    "29/02/2023",
    "#N/A",
    "#REF!",
    "\u{FEFF}",
    "\u{0}",
    "é",
    "\u{1F600}",
    "Total",
    "Serial Number",
    "Qty",
    "10000",
    "2147483648",
    "<",
    "&amp;",
    "]]>",
    "<c r=\"XFD1048576\">",
    "t=\"s\"",
];

/// Deterministic byte-level mutations, in the manner of libFuzzer's.
struct Mutator {
    rng: Rng,
}

impl Mutator {
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.rng.below(n as u64)).expect("fits")
    }

    fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..=self.below(4) {
            let at = self.below(out.len() + 1);
            match self.below(8) {
                0 if !out.is_empty() => {
                    let i = at.min(out.len() - 1);
                    out[i] ^= 1 << self.below(8);
                }
                1 if !out.is_empty() => {
                    let i = at.min(out.len() - 1);
                    out[i] = [0, 0xFF, 0x7F, 0x80, b'0', b'9', b' '][self.below(7)];
                }
                2 => {
                    let end = (at + 1 + self.below(64)).min(out.len());
                    out.drain(at.min(end)..end);
                }
                3 => {
                    let end = (at + 1 + self.below(256)).min(out.len());
                    let chunk = out[at.min(end)..end].to_vec();
                    for _ in 0..=self.below(8) {
                        out.splice(at..at, chunk.iter().copied());
                    }
                }
                4 | 5 => {
                    let token = TOKENS[self.below(TOKENS.len())];
                    out.splice(at..at, token.bytes());
                }
                6 => out.truncate(at),
                _ if !other.is_empty() => {
                    let from = self.below(other.len());
                    let end = (from + 1 + self.below(512)).min(other.len());
                    out.splice(at..at, other[from..end].iter().copied());
                }
                _ => {}
            }
        }
        out
    }

    /// Unzips `input`, mutates one part, and zips it again (stored), or
    /// `None` when `input` is not a zip this can read.
    fn mutate_inside(&mut self, input: &[u8], other: &[u8]) -> Option<Vec<u8>> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(input)).ok()?;
        let mut parts = Vec::new();
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).ok()?;
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).ok()?;
            parts.push((part.name().ok()?.into_owned(), bytes));
        }
        if parts.is_empty() {
            return None;
        }
        let i = self.below(parts.len());
        parts[i].1 = self.mutate(&parts[i].1, other);
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in &parts {
            out.start_file(name.as_str(), stored).ok()?;
            out.write_all(bytes).ok()?;
        }
        Some(out.finish().ok()?.into_inner())
    }
}

/// Runs `target` on every seed and `mutants` mutations of each; returns the
/// number of executions.
fn run(
    target: &str,
    mutants: usize,
    extra: Vec<(PathBuf, Vec<u8>)>,
    exec: &mut dyn FnMut(&[u8]),
) -> usize {
    let mut all = seeds(target);
    all.extend(extra);
    let mut m = Mutator {
        rng: Rng::new(0x00E5_7A7E),
    };
    // The input being run, kept where a crash that no unwinding reports (an
    // abort, the kernel's out-of-memory killer) leaves it to be found.
    let last = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-last-{target}"));
    let mut runs = 0;
    for (i, (path, seed)) in all.iter().enumerate() {
        let other = &all[(i + 1) % all.len()].1;
        std::fs::write(&last, seed).expect("keep the input");
        exec(seed);
        runs += 1;
        for k in 0..mutants {
            let input = if seed.starts_with(b"PK") && k % 2 == 0 {
                m.mutate_inside(seed, other)
                    .unwrap_or_else(|| m.mutate(seed, other))
            } else {
                m.mutate(seed, other)
            };
            std::fs::write(&last, &input).expect("keep the input");
            // Name the input that broke it before the panic unwinds.
            let guard = Reported(path, k);
            exec(&input);
            std::mem::forget(guard);
            runs += 1;
        }
    }
    eprintln!("fuzz: {target}: {runs} executions over {} seeds", all.len());
    runs
}

/// Says which seed and mutation a target panicked on.
struct Reported<'a>(&'a Path, usize);

impl Drop for Reported<'_> {
    fn drop(&mut self) {
        eprintln!(
            "the failing input is mutation {} of {}; to keep it, write it to \
             tests/data/fuzz-regressions/",
            self.1,
            self.0.display()
        );
    }
}

/// Small real-world workbooks from calamine's test files, when present.
fn calamine_files() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("../shared/real-inputs/calamine");
    inputs(&dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.len() <= 32 * 1024)
        .collect()
}

#[test]
fn the_cell_and_row_normalisers_survive_their_corpus_and_its_mutations() {
    let runs = run("cells", 400, Vec::new(), &mut |input| targets::cells(input));
    assert!(runs > 2000);
}

#[test]
fn text_files_survive_their_corpus_and_its_mutations() {
    let dir = tempfile::tempdir().unwrap();
    let runs = run("csv", 60, Vec::new(), &mut |input| {
        targets::file(dir.path(), "input.csv", input);
    });
    assert!(runs > 300);
}

#[test]
fn workbooks_survive_their_corpus_and_its_mutations() {
    let dir = tempfile::tempdir().unwrap();
    let runs = run("workbook", 40, calamine_files(), &mut |input| {
        targets::file(dir.path(), "input.xlsx", input);
    });
    assert!(runs > 150);
}
