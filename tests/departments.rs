//! Departments: a supplier's `RB02 Revenues & Benefits` and another's
//! `Revenues and Benefits` are one department, `Revenues & Benefits` with
//! cost centre RB02 (issue 15).
//!
//! The name kept is the one the register met first (without its code); a
//! department met first by name alone takes the code when a text with the
//! code names it later.

use rusqlite::Connection;
use serde_json::Value;

use crate::util::Env;

/// (organisation, name, cost centre) of every department, as
/// `estate departments --format json` lists them.
fn departments(env: &Env) -> Vec<(String, String, Option<String>)> {
    let Value::Array(rows) = env.json(&["departments", "--format", "json"]) else {
        panic!("departments --format json is not a list");
    };
    rows.iter()
        .map(|d| {
            (
                d["organisation"].as_str().unwrap().to_owned(),
                d["name"].as_str().unwrap().to_owned(),
                d["cost_centre"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn import_kit(env: &Env, departments: [&str; 3]) {
    let csv = format!(
        "Asset Tag,Serial,Category,Manufacturer,Model,Department\n\
         BCW-1,S1,Laptop,Dell,Latitude 5440,{}\n\
         BCW-2,S2,Laptop,Dell,Latitude 5440,{}\n\
         BCW-3,S3,Desktop,Dell,OptiPlex 7010,{}\n",
        departments[0], departments[1], departments[2]
    );
    std::fs::write(env.path().join("kit.csv"), csv).unwrap();
    env.ok(&["import", "kit.csv", "--org", "BCW"]);
}

fn count(env: &Env, sql: &str) -> i64 {
    let conn = Connection::open(env.db()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn owned(org: &str, name: &str, code: Option<&str>) -> (String, String, Option<String>) {
    (org.into(), name.into(), code.map(str::to_owned))
}

#[test]
fn three_spellings_of_a_service_import_as_one_department_with_its_code() {
    let env = Env::with_org();
    import_kit(
        &env,
        [
            "RB02 Revenues & Benefits",
            "Revenues and Benefits",
            "revenues  AND benefits",
        ],
    );
    assert_eq!(
        departments(&env),
        [owned("BCW", "Revenues & Benefits", Some("RB02"))]
    );
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM assets a JOIN departments d USING (department_id) \
             WHERE d.name = 'Revenues & Benefits'"
        ),
        3
    );
    // The same file again changes nothing: each text names the department
    // its asset is in already.
    env.ok(&["import", "kit.csv", "--org", "BCW"]);
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'asset' AND action = 'update'"
        ),
        0
    );
    assert_eq!(count(&env, "SELECT COUNT(*) FROM departments"), 1);
}

#[test]
fn a_department_met_first_by_name_takes_the_code_given_later_with_an_audit_row() {
    let env = Env::with_org();
    import_kit(
        &env,
        [
            "Revenues and Benefits",
            "RB02 Revenues & Benefits",
            "revenues  AND benefits",
        ],
    );
    assert_eq!(
        departments(&env),
        [owned("BCW", "Revenues and Benefits", Some("RB02"))]
    );
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'department' AND action = 'update' \
             AND field = 'cost_centre' AND old_value IS NULL AND new_value = 'RB02'"
        ),
        1
    );
    assert_eq!(
        count(&env, "SELECT COUNT(*) FROM assets WHERE department_id = 1"),
        3
    );
}

#[test]
fn a_department_s_name_or_cost_centre_already_held_is_a_duplicate() {
    let env = Env::with_org();
    let said = env.said(&[
        "departments",
        "add",
        "Revenues & Benefits",
        "--cost-centre",
        "RB02",
    ]);
    assert!(
        said.contains("added department Revenues & Benefits"),
        "{said}"
    );
    let err = env.fails(&["departments", "add", "revenues and  BENEFITS"], 1);
    assert!(err.contains("already exists in organisation BCW"), "{err}");
    let err = env.fails(&["departments", "add", "Rates", "--cost-centre", "rb02"], 1);
    assert!(
        err.contains("cost centre `rb02` already exists in organisation BCW"),
        "{err}"
    );
    // A code at the front of the name is its cost centre.
    env.said(&["departments", "add", "IT01 - ICT Services"]);
    assert_eq!(
        departments(&env),
        [
            owned("BCW", "ICT Services", Some("IT01")),
            owned("BCW", "Revenues & Benefits", Some("RB02")),
        ]
    );
}

#[test]
fn the_sample_register_lists_one_department_per_service_with_its_code() {
    let env = Env::new();
    env.ok(&["demo", "--out", "sample"]);
    let db = env.path().join("sample/estate.db");
    let db = db.to_str().unwrap();
    let Value::Array(rows) = env.json(&["--db", db, "departments", "--format", "json"]) else {
        panic!("not a list");
    };
    let got: Vec<_> = rows
        .iter()
        .map(|d| {
            (
                d["organisation"].as_str().unwrap().to_owned(),
                d["name"].as_str().unwrap().to_owned(),
                d["cost_centre"].as_str().map(str::to_owned),
            )
        })
        .collect();
    // The department texts in data/sample/ (MANIFEST.md): the Dell report's
    // Cost Centre gives `CS06 Customer Services`, `EN05 Environment`,
    // `FN07 Finance`, `HS04 Housing`, `IT01 ICT Services`,
    // `LS08 Leisure & Culture`, `PL03 Planning` and `RB02 Revenues & Benefits`;
    // the reseller's Dept, the O2 Department and Snipe-IT's Department give
    // the same services by name (`Revenues and Benefits`, `Finance`, ...)
    // plus `ICT` and `Leisure`. The Dell report is imported first, so its
    // names (code split off) are kept. `ICT` and `ICT Services`, `Leisure`
    // and `Leisure & Culture` are different names and no code links them,
    // so each stays two departments. ABS has only `ICT` and `IT01 ICT Services`.
    let mut want = vec![
        owned("ABS", "ICT", None),
        owned("ABS", "ICT Services", Some("IT01")),
    ];
    for org in ["AVN", "BRK"] {
        want.extend([
            owned(org, "Customer Services", Some("CS06")),
            owned(org, "Environment", Some("EN05")),
            owned(org, "Finance", Some("FN07")),
            owned(org, "Housing", Some("HS04")),
            owned(org, "ICT", None),
        ]);
        if org == "BRK" {
            want.push(owned(org, "ICT Services", Some("IT01")));
        }
        want.extend([
            owned(org, "Leisure", None),
            owned(org, "Leisure & Culture", Some("LS08")),
            owned(org, "Planning", Some("PL03")),
            owned(org, "Revenues & Benefits", Some("RB02")),
        ]);
    }
    assert_eq!(got.len(), 21);
    assert_eq!(got, want);
}
