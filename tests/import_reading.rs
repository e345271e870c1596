//! The reading half's words as data: the VAT markers, placeholders and
//! currency signs of `data/import/` honoured by a real import, and a
//! placeholder taught through `estate vocabulary` taking effect.

use crate::util::Env;

/// (serial, asset tag, purchase cost in pence) of every asset, by serial.
fn rows(env: &Env) -> Vec<(String, String, Option<i64>)> {
    let conn = rusqlite::Connection::open(env.db()).expect("open register");
    let mut stmt = conn
        .prepare("SELECT serial, asset_tag, purchase_cost_pence FROM assets ORDER BY serial")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_vat_inclusive_heading_a_placeholder_and_a_currency_sign_are_read_from_the_data_files() {
    let env = Env::with_org();
    // "Price (inc. VAT)" normalises to "price inc vat": the `inc vat` marker of
    // data/import/vat-markers.csv is `inclusive`, so the column is a VAT-inclusive cost.
    // "N/A" is an `any` placeholder: the tag is blank and generated. "$499.00" starts with
    // `$`, a sign of data/import/currency-signs.csv: the row is refused naming US dollars.
    std::fs::write(
        env.path().join("supplier.csv"),
        "Serial,Asset Tag,Model,Price (inc. VAT)\n\
         SA1,T-1,OptiPlex 7010,£734.81\n\
         SA2,N/A,OptiPlex 7010,600.00\n\
         SA3,T-3,OptiPlex 7010,$499.00\n",
    )
    .unwrap();
    let out = env.ok(&["import", "supplier.csv", "--org", "BCW", "--format", "json"]);
    assert!(out.contains("US dollars"), "{out}");
    let got = rows(&env);
    // £734.81 gross at 20% VAT: 734.81 / 1.2 = 612.3416… → £612.34 (61,234p).
    // £600.00 gross: 600 / 1.2 = £500.00 exactly (50,000p).
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str(), got[0].2),
        ("SA1", "T-1", Some(61_234))
    );
    assert_eq!((got[1].0.as_str(), got[1].2), ("SA2", Some(50_000)));
    // The placeholder "N/A" is no tag: estate generated one, never "N/A".
    assert_ne!(got[1].1, "N/A");
}

#[test]
fn a_vat_exclusive_heading_is_read_as_it_stands() {
    let env = Env::with_org();
    // "Cost ex VAT" normalises to "cost ex vat"; the `ex vat` marker is `exclusive`, so the
    // heading is read as "cost": £612.34 stays 61,234p. A cell after an empty one (the blank
    // asset tag of SB2) is read as its own value, and a row after a long row keeps its own text.
    std::fs::write(
        env.path().join("supplier.csv"),
        "Serial,Asset Tag,Model,Cost ex VAT,Notes\n\
         SB1,T-1,OptiPlex 7010,612.34,a long note that runs on and on past anything the next row has\n\
         SB2,,OptiPlex 7010,99.99,\n",
    )
    .unwrap();
    env.ok(&["import", "supplier.csv", "--org", "BCW"]);
    let got = rows(&env);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].2), ("SB1", Some(61_234)));
    // 99.99 → 9,999p.
    assert_eq!((got[1].0.as_str(), got[1].2), ("SB2", Some(9_999)));
}

#[test]
fn a_placeholder_taught_through_the_vocabulary_takes_effect() {
    let env = Env::with_org();
    // "Awaiting label" is in no data file: before it is taught it is a tag; after
    // `estate vocabulary add placeholder "Awaiting label"` it is a blank, and estate
    // generates the tag instead.
    std::fs::write(
        env.path().join("before.csv"),
        "Serial,Asset Tag,Model\nSC1,Awaiting label,OptiPlex 7010\n",
    )
    .unwrap();
    env.ok(&["import", "before.csv", "--org", "BCW"]);
    assert_eq!(rows(&env)[0].1, "Awaiting label");
    env.ok(&["vocabulary", "add", "placeholder", "Awaiting label"]);
    std::fs::write(
        env.path().join("after.csv"),
        "Serial,Asset Tag,Model\nSC2,Awaiting label,OptiPlex 7010\n",
    )
    .unwrap();
    env.ok(&["import", "after.csv", "--org", "BCW"]);
    let got = rows(&env);
    assert_eq!(got[1].0, "SC2");
    assert_ne!(got[1].1, "Awaiting label", "{got:?}");
}

#[test]
fn the_shipped_word_files_parse_and_keep_their_order() {
    use estate::import::mapping::{currency_signs, placeholders, vat_markers};
    // 10 placeholders anywhere and 13 in identifier columns, as the constants held before.
    assert_eq!(placeholders().any.len(), 10);
    assert_eq!(placeholders().identifier.len(), 13);
    // 5 inclusive and 5 exclusive markers.
    assert_eq!(vat_markers().iter().filter(|(_, inc)| *inc).count(), 5);
    assert_eq!(vat_markers().len(), 10);
    // "US$" must be tried before "$" (first match wins).
    let signs: Vec<&str> = currency_signs().iter().map(|(s, _)| s.as_str()).collect();
    assert!(signs.iter().position(|s| *s == "US$") < signs.iter().position(|s| *s == "$"));
    assert_eq!(
        estate::import::mapping::foreign_currency("-500 EUR"),
        Some("euros")
    );
}
