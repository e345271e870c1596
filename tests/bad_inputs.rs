//! The catalogue of bad inputs: files, values and commands a user (or a
//! supplier) can get wrong, each with the exact error the user sees and the
//! exit code, and each proved to leave the register exactly as it was.
//!
//! `BAD_INPUTS_PRINT=1 cargo test bad_inputs -- --nocapture` prints what
//! each case does now, to review a changed message.

use std::path::Path;

use crate::util::Env;

/// One bad input: what it is, the command, the exit code and the exact
/// stderr. `{dir}` in an argument or the message is the test's folder.
struct Case {
    what: &'static str,
    args: &'static [&'static str],
    code: i32,
    stderr: &'static str,
}

/// Runs every case against `env`, checking its exit code, its stderr and
/// that the register is unchanged; returns how many ran.
fn run(env: &Env, cases: &[Case]) -> usize {
    let dir = env.path().display().to_string();
    let print = std::env::var_os("BAD_INPUTS_PRINT").is_some();
    let mut wrong = Vec::new();
    for case in cases {
        let args: Vec<String> = case.args.iter().map(|a| a.replace("{dir}", &dir)).collect();
        let before = env.dump();
        let out = env.cmd().args(&args).output().expect("run estate");
        let stderr = mask_time(&String::from_utf8_lossy(&out.stderr).replace(&dir, "{dir}"));
        if print {
            let line = serde_json::json!({
                "what": case.what, "code": out.status.code(), "stderr": stderr,
            });
            eprintln!("CASE {line}");
        }
        if out.status.code() != Some(case.code) || stderr != case.stderr {
            wrong.push(format!(
                "{}: estate {args:?}\n  exit {:?} (want {})\n  stderr {stderr:?}\n  want   {:?}",
                case.what,
                out.status.code(),
                case.code,
                case.stderr
            ));
        }
        let after = env.dump();
        if after != before && print {
            eprintln!("!!! the register changed");
            continue;
        }
        if after != before {
            let gone: Vec<&String> = before.iter().filter(|r| !after.contains(r)).collect();
            let new: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
            panic!(
                "{}: the register changed (estate {args:?}):\n  gone {gone:#?}\n  new {new:#?}",
                case.what
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    cases.len()
}

/// The text with each UTC timestamp (`2026-11-29T00:57:31Z`) as `<time>`.
fn mask_time(text: &str) -> String {
    let shape = b"9999-99-99T99:99:99Z";
    let bytes = text.as_bytes();
    let fits = |at: usize| {
        bytes.get(at..at + shape.len()).is_some_and(|b| {
            b.iter().zip(shape).all(|(c, s)| {
                if *s == b'9' {
                    c.is_ascii_digit()
                } else {
                    c == s
                }
            })
        })
    };
    let mut out = String::new();
    let mut from = 0;
    let mut at = 0;
    while at < bytes.len() {
        if fits(at) {
            out.push_str(&text[from..at]);
            out.push_str("<time>");
            at += shape.len();
            from = at;
        } else {
            at += 1;
        }
    }
    out + &text[from..]
}

/// A register with something in every table a bad input could harm:
/// organisations BCW and AVN, a site, a department, two assets (one
/// disposed), a line, a licence, a saved forecast and an undone import.
fn populated() -> Env {
    let env = Env::with_org();
    env.ok(&["departments", "add", "Revenues", "--cost-centre", "RB02"]);
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "PC-1",
        "--serial",
        "5CG1234XYZ",
        "--cost",
        "612.34",
        "--purchase-date",
        "2021-04-01",
        "--user",
        "J Smith",
    ]);
    env.ok(&["add", "laptop", "--tag", "LT-1", "--cost", "849.21"]);
    env.ok(&[
        "dispose",
        "LT-1",
        "--method",
        "recycling",
        "--date",
        "2026-05-01",
    ]);
    env.ok(&[
        "lines",
        "add",
        "01632 960058",
        "--type",
        "pstn",
        "--rental",
        "18.99",
    ]);
    env.ok(&[
        "licences",
        "add",
        "Microsoft 365 E3",
        "--metric",
        "per_user",
        "--quantity",
        "10",
        "--unit-cost",
        "20.40",
        "--basis",
        "monthly",
    ]);
    env.ok(&["forecast", "--from", "2026/27", "--save", "Base"]);
    write(
        env.path(),
        "good.csv",
        b"Serial Number,Model,Cost\nSN-9,OptiPlex 7010,612.34\n",
    );
    env.ok(&["import", "good.csv", "--org", "BCW"]);
    env.ok(&["imports", "undo", "1"]);
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&["orgs", "add", "ABS", "Shared ICT Service", "--shared"]);
    env
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write a test file");
}

/// The bad files, written into the test's folder.
fn bad_files(dir: &Path) {
    write(dir, "empty.xlsx", b"");
    write(
        dir,
        "report.xlsx",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    write(dir, "letter.xlsx", b"{\\rtf1\\ansi Dear supplier,}");
    write(
        dir,
        "photo.xlsx",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"not a workbook").unwrap();
    write(dir, "archive.xlsx", &zip.finish().unwrap().into_inner());
    let book = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/workbook/saved-by-libreoffice.xlsx"
    ))
    .unwrap();
    write(dir, "cut.xlsx", &book[..book.len() / 2]);
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(1024, 0);
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    write(dir, "locked.xlsx", &encrypted);
    write(dir, "no-header.csv", b"apples,pears\n1,2\n3,4\n");
    write(
        dir,
        "nul.csv",
        b"Serial\x00Number\x00\x01\x02\x03\x04\x05\x06\x07\x08",
    );
    write(
        dir,
        "portal.xls",
        b"<html><body><table><tr><th>Name</th><th>Phone</th></tr>\
          <tr><td>A Person</td><td>01234</td></tr></table></body></html>",
    );
    write(
        dir,
        "broken-2003.xls",
        b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">\
          <Worksheet><Table><Row><Cell><Data>Serial</Data></Row></Table></Worksheet></Workbook>",
    );
    write(
        dir,
        "bad-rows.csv",
        b"Serial Number,Model,Cost\nSN-1,OptiPlex,(12.00)\nSN-2,OptiPlex,abc\n",
    );
    write(
        dir,
        "dup-serials.csv",
        b"Serial Number,Model\nSN-1,OptiPlex\nSN-1,Latitude\n",
    );
    write(
        dir,
        "long-cell.csv",
        format!("Serial Number,Model\nSN-1,{}\n", "x".repeat(40_000)).as_bytes(),
    );
    write(
        dir,
        "wide.csv",
        format!("Serial Number,Model\nSN-1,{}\n", "x".repeat(2_000_000)).as_bytes(),
    );
    let regressions = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/fuzz-regressions/workbook/"
    );
    for (from, to) in [
        ("cell-at-column-65536-aborted-estate.xls", "far.xls"),
        (
            "xls-directory-chain-loops-ran-out-of-memory.xls",
            "loop.xls",
        ),
    ] {
        std::fs::copy(format!("{regressions}{from}"), dir.join(to)).unwrap();
    }
    std::fs::create_dir(dir.join("folder.csv")).unwrap();
    write(
        dir,
        "notes.txt",
        &b"Asset Tag,Serial\nPC-1,ABC\n".repeat(100),
    );
    write(
        dir,
        "users.csv",
        b"First Name,Last Name,Email,Username,Location\nAnn,Lee,al@example.org,alee,Civic Centre\n",
    );
    write(
        dir,
        "dollars.csv",
        b"Serial Number,Model,Cost\nSN-1,OptiPlex 7010,$612.00\nSN-2,OptiPlex 7010,\xe2\x82\xac500\n",
    );
    write(
        dir,
        "scenario.toml",
        b"name = \"x\"\n[lives]\ndesktop = \"six\"\n",
    );
}

#[test]
fn bad_files_are_refused_with_the_file_named_and_the_register_unchanged() {
    let env = populated();
    bad_files(env.path());
    let n = run(&env, FILES);
    assert!(n >= 20, "{n}");
}

#[test]
fn bad_values_are_refused_naming_the_value_and_the_register_unchanged() {
    let env = populated();
    let n = run(&env, VALUES);
    assert!(n >= 20, "{n}");
}

#[test]
fn bad_commands_are_refused_saying_what_to_do_and_the_register_unchanged() {
    let env = populated();
    bad_files(env.path());
    let n = run(&env, COMMANDS);
    assert!(n >= 10, "{n}");
}

const FILES: &[Case] = &[
    Case {
        what: "a list of people, not of assets",
        args: &["import", "users.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `users.csv`: `users.csv` is not a list of assets, lines or licences: it looks like a list of people (users); its headings are `First Name`, `Last Name`, `Email`, `Username`, `Location`. Nothing was imported\n",
    },
    Case {
        what: "every row's cost in another currency (no batch recorded)",
        args: &["import", "dollars.csv", "--org", "BCW"],
        code: 1,
        stderr: "dollars.csv (csv): nothing written\n  sheet `dollars.csv`: 2 rows of hardware (header on row 1)\n    `Serial Number` → serial (built in)\n    `Model` → model (built in)\n    `Cost` → cost (built in)\n  rejected rows:\n    dollars.csv, sheet `dollars.csv`, row 2, column `Cost`: `$612.00` is in US dollars; estate keeps pounds: convert it to pounds (ex VAT) in the file, or clear the cell\n    dollars.csv, sheet `dollars.csv`, row 3, column `Cost`: `€500` is in euros; estate keeps pounds: convert it to pounds (ex VAT) in the file, or clear the cell\n  0 new, 0 changed, 0 unchanged, 2 rejected\nestate: `dollars.csv`: all 2 row(s) were rejected, so nothing was imported and no batch was recorded; fix them (--rejects FILE.csv lists them with reasons) and import again\n",
    },
    Case {
        what: "a file that is not there",
        args: &["import", "missing.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `missing.xlsx`: cannot read `missing.xlsx`: No such file or directory (os error 2)\n",
    },
    Case {
        what: "an empty file",
        args: &["import", "empty.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `empty.xlsx`: `empty.xlsx` cannot be imported: it is empty (0 bytes)\n",
    },
    Case {
        what: "a PDF called .xlsx",
        args: &["import", "report.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `report.xlsx`: `report.xlsx` cannot be imported: it is a document, not a spreadsheet\n",
    },
    Case {
        what: "a Word document called .xlsx",
        args: &["import", "letter.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `letter.xlsx`: `letter.xlsx` cannot be imported: it is a document, not a spreadsheet\n",
    },
    Case {
        what: "a picture called .xlsx",
        args: &["import", "photo.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `photo.xlsx`: `photo.xlsx` cannot be imported: it is neither a spreadsheet (xlsx, xlsb, xls, ods) nor a text file (csv)\n",
    },
    Case {
        what: "a zip that is not a workbook",
        args: &["import", "archive.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `archive.xlsx`: `archive.xlsx` is damaged or not a complete spreadsheet (File not found '_rels/.rels'); open it in Excel and save it again, or ask the supplier for a new copy\n",
    },
    Case {
        what: "half a workbook",
        args: &["import", "cut.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `cut.xlsx`: `cut.xlsx` is damaged or not a complete spreadsheet (Zip error: invalid Zip archive: Could not find EOCD); open it in Excel and save it again, or ask the supplier for a new copy\n",
    },
    Case {
        what: "a password-protected workbook",
        args: &["import", "locked.xlsx", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `locked.xlsx`: `locked.xlsx` is password-protected (encrypted), so it cannot be read; open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) and save a copy, then import that\n",
    },
    Case {
        what: "a table with no headings estate knows",
        args: &["import", "no-header.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `no-header.csv`: `no-header.csv` holds no table of records estate recognises (sheet `no-header.csv`: no row of column headings estate knows in its first 50 rows (such as Serial Number, Asset Tag, Model, CLI, Product; if they are further down, say which row with --header-row N)); say what its columns are with --map \"Heading=field\" or --profile, or teach the register a heading with `estate vocabulary add heading \"Heading\" field`\n",
    },
    Case {
        what: "binary bytes called .csv",
        args: &["import", "nul.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `nul.csv`: `nul.csv` cannot be imported: it is neither a spreadsheet (xlsx, xlsb, xls, ods) nor a text file (csv)\n",
    },
    Case {
        what: "an HTML page saved as .xls whose table is not a list of records",
        args: &["import", "portal.xls", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `portal.xls`: `portal.xls` holds no table of records estate recognises (sheet `table`: no row of column headings estate knows in its first 50 rows (such as Serial Number, Asset Tag, Model, CLI, Product; if they are further down, say which row with --header-row N)); say what its columns are with --map \"Heading=field\" or --profile, or teach the register a heading with `estate vocabulary add heading \"Heading\" field`\n",
    },
    Case {
        what: "SpreadsheetML 2003 XML with a tag left open",
        args: &["import", "broken-2003.xls", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `broken-2003.xls`: `broken-2003.xls` is damaged or not a complete spreadsheet (it could not be read as SpreadsheetML (Excel 2003 XML): ill-formed document: expected `</Cell>`, but `</Row>` was found); open it in Excel and save it again, or ask the supplier for a new copy\n",
    },
    Case {
        what: "--age-from naming a column the file does not have",
        args: &[
            "import",
            "good.csv",
            "--org",
            "BCW",
            "--age-from",
            "Enrolled",
        ],
        code: 1,
        stderr: "estate: failed to import `good.csv`: --age-from `Enrolled`: sheet `good.csv` has no column headed so; its headings are `Serial Number`, `Model`, `Cost`\n",
    },
    Case {
        what: "--header-row pointing at an empty row",
        args: &["import", "good.csv", "--org", "BCW", "--header-row", "900"],
        code: 1,
        stderr: "estate: failed to import `good.csv`: `good.csv` holds no table of records estate recognises (sheet `good.csv`: --header-row 900: row 900 has nothing in it); say what its columns are with --map \"Heading=field\" or --profile, or teach the register a heading with `estate vocabulary add heading \"Heading\" field`\n",
    },
    Case {
        what: "a sheet that is not there",
        args: &["import", "good.csv", "--org", "BCW", "--sheet", "Assets"],
        code: 1,
        stderr: "estate: failed to import `good.csv`: `good.csv` has no sheet `Assets`; its sheets are: `good.csv`\n",
    },
    Case {
        what: "bad rows with --strict",
        args: &["import", "bad-rows.csv", "--org", "BCW", "--strict"],
        code: 1,
        stderr: "bad-rows.csv (csv): nothing written\n  sheet `bad-rows.csv`: 2 rows of hardware (header on row 1)\n    `Serial Number` → serial (built in)\n    `Model` → model (built in)\n    `Cost` → cost (built in)\n  rejected rows:\n    bad-rows.csv, sheet `bad-rows.csv`, row 2, column `Cost`: `(12.00)` is a negative amount (in brackets); a cost cannot be negative\n    bad-rows.csv, sheet `bad-rows.csv`, row 3, column `Cost`: `abc` is not an amount of money (write it like 1234.56 or £1,234.56)\n  0 new, 0 changed, 0 unchanged, 2 rejected\nestate: `bad-rows.csv`: 2 row(s) rejected, so nothing was imported (--strict); fix them or import without --strict\n",
    },
    Case {
        what: "one serial twice with --strict",
        args: &["import", "dup-serials.csv", "--org", "BCW", "--strict"],
        code: 1,
        stderr: "dup-serials.csv (csv): nothing written\n  sheet `dup-serials.csv`: 2 rows of hardware (header on row 1)\n    `Serial Number` → serial (built in)\n    `Model` → model (built in)\n  rejected rows:\n    dup-serials.csv, sheet `dup-serials.csv`, row 3, column `Serial Number`: `SN-1` the same serial also appears on sheet `dup-serials.csv`, row 2 of this file; the first was kept and this row rejected (remove the duplicate or correct it)\n  1 new, 0 changed, 0 unchanged, 1 rejected\nestate: `dup-serials.csv`: 1 row(s) rejected, so nothing was imported (--strict); fix them or import without --strict\n",
    },
    Case {
        what: "a cell longer than Excel allows",
        args: &["import", "long-cell.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `long-cell.csv`: `long-cell.csv` is refused as too large to read safely: row 2, column B holds 40,000 characters, and a spreadsheet cell holds at most 32,767\n",
    },
    Case {
        what: "a row of 2 MB",
        args: &["import", "wide.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `wide.csv`: `wide.csv` is refused as too large to read safely: row 2 is longer than 1.0 MB (a spreadsheet row is far shorter); is it a text file of records?\n",
    },
    Case {
        what: "an xls with a cell at column 65,536",
        args: &["import", "far.xls", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `far.xls`: `far.xls` is refused as too large to read safely: sheet `span` would be 65,536 rows by 65,536 columns (4,294,967,296 cells) once read, and estate reads at most 2,000,000 cells of an xls sheet; save the file as .xlsx (which estate reads row by row) and import that\n",
    },
    Case {
        what: "an xls whose sectors loop",
        args: &["import", "loop.xls", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `loop.xls`: `loop.xls` is damaged or not a complete spreadsheet (a chain of sectors inside it loops back on itself, so it would be read without end); open it in Excel and save it again, or ask the supplier for a new copy\n",
    },
    Case {
        what: "a folder called .csv",
        args: &["import", "folder.csv", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to import `folder.csv`: cannot read `folder.csv`: Is a directory (os error 21)\n",
    },
    Case {
        what: "a rejects file that cannot be written",
        args: &[
            "import",
            "bad-rows.csv",
            "--org",
            "BCW",
            "--rejects",
            "no/such/folder/rejects.csv",
        ],
        code: 1,
        stderr: "estate: failed to write rejects to `no/such/folder/rejects.csv`: cannot write `rejects.csv`: No such file or directory (os error 2)\n",
    },
    Case {
        what: "restore from a text file",
        args: &["restore", "notes.txt"],
        code: 3,
        stderr: "estate: refusing to restore from `notes.txt`: `notes.txt` is not an estate register: it is not a SQLite database\n",
    },
    Case {
        what: "restore from a file that is not there",
        args: &["restore", "missing.db"],
        code: 3,
        stderr: "estate: refusing to restore from `missing.db`: there is no file `missing.db`\n",
    },
    Case {
        what: "a scenario file with a word for a number",
        args: &["forecast", "--scenario", "scenario.toml"],
        code: 1,
        stderr: "estate: scenario `scenario.toml`: TOML parse error at line 3, column 11\n  |\n3 | desktop = \"six\"\n  |           ^^^^^\ninvalid type: string \"six\", expected u32\n\n",
    },
    Case {
        what: "a scenario that is not there",
        args: &["forecast", "--scenario", "no-such-scenario"],
        code: 1,
        stderr: "estate: no scenario `no-such-scenario`; the shipped ones are base, capped-250k, extend-desktop-life, green-refresh (or give the path of a .toml file)\n",
    },
    Case {
        what: "a policy folder that is not there",
        args: &["policy", "load", "--data", "no-such-folder"],
        code: 1,
        stderr: "estate: cannot read `no-such-folder/policy/lives.csv`: No such file or directory (os error 2)\n",
    },
];

const VALUES: &[Case] = &[
    Case {
        what: "a class estate does not know",
        args: &["add", "widget", "--tag", "W-1", "--org", "BCW"],
        code: 1,
        stderr: "estate: `widget` is not a known asset class; use one of: server, storage, network, desktop, laptop, thin_client, monitor, tablet, mobile, mfd, printer, other\n",
    },
    Case {
        what: "an amount with misplaced commas",
        args: &[
            "add", "desktop", "--tag", "PC-2", "--cost", "12,34.5", "--org", "BCW",
        ],
        code: 2,
        stderr: "error: invalid value '12,34.5' for '--cost <AMOUNT>': `12,34.5` has misplaced thousands separators (write it like 1,234,567.89)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a negative cost",
        args: &[
            "add", "desktop", "--tag", "PC-2", "--cost", "-5", "--org", "BCW",
        ],
        code: 1,
        stderr: "estate: failed to add asset PC-2: a cost cannot be negative (-£5.00)\n",
    },
    Case {
        what: "fractions of a penny",
        args: &[
            "add", "desktop", "--tag", "PC-2", "--cost", "1.234", "--org", "BCW",
        ],
        code: 1,
        stderr: "estate: failed to add asset PC-2: a cost must be whole pence (£1.234)\n",
    },
    Case {
        what: "a cost in words",
        args: &[
            "add",
            "desktop",
            "--tag",
            "PC-2",
            "--cost",
            "six hundred",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value 'six hundred' for '--cost <AMOUNT>': `six hundred` is not an amount of money (write it like 1234.56 or £1,234.56)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "30 February",
        args: &[
            "add",
            "desktop",
            "--tag",
            "PC-2",
            "--purchase-date",
            "30/02/2024",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value '30/02/2024' for '--purchase-date <DATE>': `30/02/2024` is not a date (write it like 2024-03-31 or 31/03/2024)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a US date",
        args: &[
            "add",
            "desktop",
            "--tag",
            "PC-2",
            "--purchase-date",
            "2024/03/31",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value '2024/03/31' for '--purchase-date <DATE>': `2024/03/31` is not a date (write it like 2024-03-31 or 31/03/2024)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a purchase date in the future",
        args: &[
            "add",
            "desktop",
            "--tag",
            "PC-2",
            "--purchase-date",
            "2030-01-01",
            "--org",
            "BCW",
        ],
        code: 1,
        stderr: "estate: asset PC-2: the purchase date 2030-01-01 is in the future\n",
    },
    Case {
        what: "a tag already used",
        args: &["add", "desktop", "--tag", "PC-1", "--org", "BCW"],
        code: 1,
        stderr: "estate: failed to add asset PC-1: asset tag `PC-1` is already used in organisation BCW; `estate show PC-1 --org BCW` shows it\n",
    },
    Case {
        what: "a blank tag",
        args: &["add", "desktop", "--tag", " ", "--org", "BCW"],
        code: 2,
        stderr: "error: invalid value ' ' for '--tag <TAG>': an asset tag cannot be blank\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a site that is not there",
        args: &[
            "add",
            "desktop",
            "--tag",
            "PC-2",
            "--site",
            "Moon Base",
            "--org",
            "BCW",
        ],
        code: 1,
        stderr: "estate: failed to add asset PC-2: no site `Moon Base` in organisation BCW; `estate sites --org BCW` lists them, `estate sites add` adds one\n",
    },
    Case {
        what: "an organisation that is not there",
        args: &["add", "desktop", "--tag", "PC-2", "--org", "XYZ"],
        code: 1,
        stderr: "estate: no organisation `XYZ` in the register; `estate orgs` lists them\n",
    },
    Case {
        what: "a status estate does not know",
        args: &["update", "PC-1", "--status", "broken", "--org", "BCW"],
        code: 2,
        stderr: "error: invalid value 'broken' for '--status <STATUS>': `broken` is not a status; use one of: in_use, in_store, retired, disposed, lost\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a field that cannot be cleared",
        args: &["update", "PC-1", "--clear", "colour", "--org", "BCW"],
        code: 1,
        stderr: "estate: `colour` cannot be cleared; clearable fields: serial, manufacturer, model, site, department, user, purchase_date, cost, supplier, order_ref, warranty_end, lease_end, life, power, notes, os, os_version, firmware, cpu, support_end\n",
    },
    Case {
        what: "an asset that is not there",
        args: &["update", "PC-404", "--cost", "1", "--org", "BCW"],
        code: 1,
        stderr: "estate: no asset with tag or serial `PC-404` in organisation BCW; `estate list --org BCW` lists them\n",
    },
    Case {
        what: "a disposal method estate does not know",
        args: &[
            "dispose",
            "PC-1",
            "--method",
            "bin",
            "--date",
            "2026-05-01",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value 'bin' for '--method <METHOD>': `bin` is not a disposal method; use one of: resale, recycling, destruction, returned_to_lessor, donation\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "an asset disposed of already",
        args: &[
            "dispose",
            "LT-1",
            "--method",
            "recycling",
            "--date",
            "2026-05-01",
            "--org",
            "BCW",
        ],
        code: 1,
        stderr: "estate: failed to dispose of asset LT-1: asset LT-1 in organisation BCW was already disposed of on 2026-05-01\n",
    },
    Case {
        what: "an organisation code used already",
        args: &["orgs", "add", "BCW", "Another Council"],
        code: 1,
        stderr: "estate: failed to add organisation BCW: organisation `BCW` already exists\n",
    },
    Case {
        what: "shares that do not add up to 100%",
        args: &["orgs", "shares", "ABS", "AVN=40%", "BCW=50%"],
        code: 1,
        stderr: "estate: failed to set the shares of ABS: the shares of ABS must add up to 100%, not 90%\n",
    },
    Case {
        what: "a shared service that is its own member",
        args: &["orgs", "shares", "ABS", "ABS=50%", "AVN=50%"],
        code: 1,
        stderr: "estate: failed to set the shares of ABS: ABS cannot be a member of itself\n",
    },
    Case {
        what: "a share of nothing",
        args: &["orgs", "shares", "ABS", "AVN=0%", "BCW=100%"],
        code: 1,
        stderr: "estate: failed to set the shares of ABS: the share of AVN must be above 0, not 0\n",
    },
    Case {
        what: "an asset added without saying whose",
        args: &["add", "desktop", "--tag", "PC-2"],
        code: 1,
        stderr: "estate: the register holds several organisations (ABS, AVN, BCW); say which with --org\n",
    },
    Case {
        what: "a staff count in words",
        args: &["orgs", "staff", "BCW", "many"],
        code: 2,
        stderr: "error: invalid value 'many' for '<COUNT>': `many` is not a number of staff (write a whole number, like 640)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a life of 0 years",
        args: &["policy", "set", "life", "desktop", "0"],
        code: 1,
        stderr: "estate: failed to change the policy: a life must be 1 to 50 years, not 0\n",
    },
    Case {
        what: "an inflation rate of 350",
        args: &["policy", "set", "inflation", "350"],
        code: 2,
        stderr: "error: invalid value '350' for '<RATE>': `350` is ambiguous: write `350%` for a percentage, or a fraction below 1\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a price in words",
        args: &["policy", "set", "price", "desktop", "lots"],
        code: 2,
        stderr: "error: invalid value 'lots' for '<AMOUNT>': `lots` is not an amount of money (write it like 1234.56 or £1,234.56)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "years that do not follow",
        args: &["forecast", "--from", "2026/28"],
        code: 2,
        stderr: "error: invalid value '2026/28' for '--from <YEAR>': `2026/28` is not a financial year: the second year must follow the first (e.g. 2026/27)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a forecast of no years",
        args: &["forecast", "--years", "0"],
        code: 2,
        stderr: "error: invalid value '0' for '--years <N>': 0 is not in 1..=50\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a cap that is not an amount",
        args: &["forecast", "--cap", "lots"],
        code: 2,
        stderr: "error: invalid value 'lots' for '--cap <AMOUNT|YEAR=AMOUNT,…>': `lots` is not a budget cap: `lots` is not an amount of money (write it like 1234.56 or £1,234.56) (write --cap 250000 or --cap 2026/27=250000,2027/28=200000)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a forecast by something estate does not group by",
        args: &["forecast", "--by", "colour"],
        code: 2,
        stderr: "error: invalid value 'colour' for '--by <line|class|org|site|department>': `colour` is not a breakdown; use one of: line, class, org, site, department\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a line type estate does not know",
        args: &[
            "lines",
            "add",
            "01632 960999",
            "--type",
            "carrier-pigeon",
            "--rental",
            "1",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value 'carrier-pigeon' for '--type <TYPE>': `carrier-pigeon` is not a line type; use one of: pstn, isdn2, isdn30, adsl, fttc, sogea, fttp, sip, mobile_data\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a licence metric estate does not know",
        args: &[
            "licences",
            "add",
            "Thing",
            "--metric",
            "per_cow",
            "--quantity",
            "1",
            "--unit-cost",
            "1",
            "--org",
            "BCW",
        ],
        code: 2,
        stderr: "error: invalid value 'per_cow' for '--metric <METRIC>': `per_cow` is not a licensing metric; use one of: per_user, per_device, per_core, site\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a thin-client share over 100%",
        args: &["power", "--thin-clients", "150%"],
        code: 1,
        stderr: "estate: a thin-client share must be between 0% and 100%, not 150%\n",
    },
    Case {
        what: "a virtualisation without hosts",
        args: &["power", "--virtualise", "10"],
        code: 2,
        stderr: "error: invalid value '10' for '--virtualise <N:M>': `10` is not a virtualisation: no `:` between servers and hosts (write SERVERS:HOSTS, e.g. 20:4, or 20:4@2027/28)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "an import VAT rate in words",
        args: &[
            "import",
            "good.csv",
            "--org",
            "BCW",
            "--vat-rate",
            "standard",
        ],
        code: 2,
        stderr: "error: invalid value 'standard' for '--vat-rate <RATE>': `standard` is not a rate (write a percentage like 3.5%)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a --map without a field",
        args: &["import", "good.csv", "--org", "BCW", "--map", "Kit Ref"],
        code: 2,
        stderr: "error: invalid value 'Kit Ref' for '--map <HEADING=FIELD>': --map `Kit Ref`: write it as \"Column heading=field\", e.g. \"Service Tag=serial\"\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "a --map to a field estate does not have",
        args: &[
            "import",
            "good.csv",
            "--org",
            "BCW",
            "--map",
            "Kit Ref=colour",
        ],
        code: 2,
        stderr: "error: invalid value 'Kit Ref=colour' for '--map <HEADING=FIELD>': --map `Kit Ref=colour`: `colour` is not a field; use one of: organisation, asset_tag, serial, class, manufacturer, model, site, department, assigned_user, in_service_date, cost, cost_inc_vat, supplier, order_ref, warranty_end, warranty_months, funding, lease_end, status, life_years, power_watts, power_kwh_per_year, os, os_version, cpu, notes, quantity, number, line_type, contract_end, critical_care, line_use, product, vendor, agreement, agreement_type, metric, cost_basis, start_date, end_date, budget, covers_classes, category, ignore\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "an import kind estate does not know",
        args: &["import", "good.csv", "--org", "BCW", "--kind", "furniture"],
        code: 2,
        stderr: "error: invalid value 'furniture' for '--kind <KIND>': `furniture` is not a kind of record; use hardware, lines or licences\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "an import profile that is not there",
        args: &[
            "import",
            "good.csv",
            "--org",
            "BCW",
            "--profile",
            "no-such-profile",
        ],
        code: 1,
        stderr: "estate: failed to import `good.csv`: profile `no-such-profile`: there is no such profile; use one of hardware-supplier, telecoms-lines, software-licences, snipe-it, intune, jamf, snipe-it-licences or the path of a profile file\n",
    },
    Case {
        what: "an import for an organisation that is not there",
        args: &["import", "good.csv", "--org", "XYZ"],
        code: 1,
        stderr: "estate: failed to import `good.csv`: no organisation `XYZ` in the register; `estate orgs` lists them\n",
    },
    Case {
        what: "a name of one word to forget",
        args: &["forget-user", "J"],
        code: 1,
        stderr: "estate: `J` is a single word: a first name or a surname alone would also be removed from everyone else who has it\nhelp: give the whole name (`estate forget-user \"Jane Doe\"`), or add --word to remove that word wherever it stands alone\n",
    },
    Case {
        what: "a name to forget that no record holds",
        args: &["forget-user", "Nobody Anywhere"],
        code: 1,
        stderr: "estate: failed to forget the user: no record holds that name (nor any address given); nothing was changed\n",
    },
];

const COMMANDS: &[Case] = &[
    Case {
        what: "teaching a class word a class that is not one",
        args: &["vocabulary", "add", "class", "Docking Station", "dock"],
        code: 1,
        stderr: "estate: `dock` is not a class; use one of server, storage, network, desktop, laptop, thin_client, monitor, tablet, mobile, mfd, printer, other\n",
    },
    Case {
        what: "removing a word the register was never taught",
        args: &["vocabulary", "remove", "class", "Docking Station"],
        code: 1,
        stderr: "estate: the register has not been taught the class `Docking Station`; `estate vocabulary` lists the words (only words added with `estate vocabulary add` can be removed)\n",
    },
    Case {
        what: "a command estate does not have",
        args: &["delete-everything"],
        code: 2,
        stderr: "error: unrecognized subcommand 'delete-everything'\n\nUsage: estate [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "an output format estate does not have",
        args: &["--format", "xml", "list"],
        code: 2,
        stderr: "error: invalid value 'xml' for '--format <FORMAT>': `xml` is not a format; use table, csv, json or md (`estate report` also writes xlsx, html and docx)\n\nFor more information, try '--help'.\n",
    },
    Case {
        what: "init over a register",
        args: &["init"],
        code: 3,
        stderr: "estate: a register already exists at `{dir}/estate.db`\nhelp: use that register, or give --db with a new file name\n",
    },
    Case {
        what: "a register that is not there",
        args: &["--db", "{dir}/nowhere.db", "list"],
        code: 3,
        stderr: "estate: no register at `{dir}/nowhere.db`\nhelp: run `estate init` to create a register here, or point --db (or ESTATE_DB) at yours\n",
    },
    Case {
        what: "a text file as the register",
        args: &["--db", "{dir}/notes.txt", "list"],
        code: 3,
        stderr: "estate: `{dir}/notes.txt` is not an estate register: it is not a SQLite database\n\
                 help: if this file was your register, put a backup in its place with `estate restore BACKUP` \
                 (`estate check` lists what is wrong); otherwise point --db at your register\n",
    },
    Case {
        what: "a backup over an existing file",
        args: &["backup", "good.csv"],
        code: 2,
        stderr: "estate: refusing to write `good.csv`: it already exists, and a backup never overwrites a file\nhelp: give the backup a new file name\n",
    },
    Case {
        what: "an import batch that is not there",
        args: &["imports", "undo", "99"],
        code: 1,
        stderr: "estate: there is no import batch 99; `estate imports` lists them\n",
    },
    Case {
        what: "an import batch undone already",
        args: &["imports", "undo", "1"],
        code: 1,
        stderr: "estate: import batch 1 was already undone at <time>\n",
    },
    Case {
        what: "a saved run that is not there",
        args: &["runs", "show", "99"],
        code: 1,
        stderr: "estate: no saved run 99; `estate runs` lists them\n",
    },
    Case {
        what: "a diff against a run that is not there",
        args: &["runs", "diff", "1", "99"],
        code: 1,
        stderr: "estate: failed to compare runs 1 and 99: no saved run 99; `estate runs` lists them\n",
    },
    Case {
        what: "an asset shown that is not there",
        args: &["show", "PC-404", "--org", "BCW"],
        code: 1,
        stderr: "estate: no asset with tag or serial `PC-404` in organisation BCW; `estate list --org BCW` lists them\n",
    },
    Case {
        what: "generate more rows than a sheet holds",
        args: &["generate", "--assets", "2000000", "--out", "huge.xlsx"],
        code: 1,
        stderr: "estate: an .xlsx sheet holds at most 1,048,576 rows; generate at most 1,048,000 assets, or write .csv\n",
    },
];

#[test]
fn a_register_busy_for_longer_than_the_wait_is_refused_saying_to_try_again() {
    let env = populated();
    let before = env.dump();
    let holder = rusqlite::Connection::open(env.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = env
        .cmd()
        .env("ESTATE_BUSY_TIMEOUT", "0.2")
        .args(["add", "desktop", "--tag", "PC-2", "--org", "BCW"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "estate: failed to add asset PC-2: the register is busy (another estate command is \
         writing to it); try again\n\
         help: another estate command is writing; run this again when it has finished\n"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(env.dump(), before);
    let out = env
        .cmd()
        .env("ESTATE_BUSY_TIMEOUT", "soon")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "estate: ESTATE_BUSY_TIMEOUT: `soon` is not a number of seconds (from 0 to 86400)\n"
    );
}
