//! Unit tests of the mapping: headings, kinds, dates, money, classes, lines,
//! licences and the problems a bad row is given.

use super::*;
use time::macros::date;

fn rules() -> ValueRules {
    ValueRules::new(
        Rate::from_percent(Decimal::from(20)),
        date!(2026 - 11 - 28),
        false,
    )
}

fn text_row(number: u32, cells: &[&str]) -> Row {
    Row::of_texts(number, cells)
}

fn columns(headings: &[&str]) -> (Vec<Column>, Option<Kind>) {
    let h: Vec<String> = headings.iter().map(|s| (*s).to_string()).collect();
    map_columns(&h, &Dictionary::builtin(), None, &[], None)
}

fn read(headings: &[&str], kind: Option<Kind>, row: &[&str]) -> RowOutcome {
    let (cols, detected) = columns(headings);
    let rules = rules();
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut reader = RowReader::new(&cols, kind.or(detected).unwrap(), &rules, &syn, &models);
    reader.read(&text_row(14, row))
}

fn reasons(o: &RowOutcome) -> Vec<String> {
    match &o.parsed {
        Parsed::Rejected(p) => p
            .iter()
            .map(|p| format!("{}|{}|{}", p.column, p.value, p.reason))
            .collect(),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn one_asset(o: &RowOutcome) -> &AssetRecord {
    match &o.parsed {
        Parsed::Assets(a) if a.len() == 1 => &a[0],
        other => panic!("expected one asset, got {other:?}"),
    }
}

proptest::proptest! {
    #[test]
    fn whitespace_collapses_as_splitting_and_joining_does(text in "[ a-b\\t\\n\\x0b\\u{a0}\\u{85}é]{0,10}") {
        proptest::prop_assert_eq!(
            collapse_whitespace(&text),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    /// Whatever a cell holds, reading a row returns records or problems;
    /// it never panics.
    #[test]
    fn any_cells_give_records_or_problems(
        texts in proptest::collection::vec(".{0,12}", 12),
        numbers in proptest::collection::vec(proptest::num::f64::ANY, 4),
    ) {
        let headings = ["Serial", "Asset Tag", "Type", "Model", "Purchase Date", "Cost",
            "Price inc VAT", "Qty", "Warranty", "Lease End", "Status", "Watts"];
        let rules = rules();
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        for kind in Kind::ALL {
            let (cols, _) = columns(&headings);
            let mut reader = RowReader::new(&cols, kind, &rules, &syn, &models);
            let mut cells: Vec<Value> = texts.iter().cloned().map(Value::Text).collect();
            for (i, n) in numbers.iter().enumerate() {
                cells[i * 3] = Value::Number(*n);
                cells[i * 3 + 1] = Value::DateSerial { serial: *n, is_1904: i % 2 == 0 };
            }
            let _ = reader.read(&Row { number: 2, cells });
        }
        for t in &texts {
            let _ = parse_date_text(t, false, false);
            let _ = normalise_number(t, false);
            let _ = parse_line_type(t);
        }
    }
}

#[test]
fn the_shipped_files_parse() {
    let dict = Dictionary::builtin();
    assert!(dict.headings.len() > 150);
    ModelRules::builtin();
    for p in crate::import::profiles::builtin_profiles() {
        assert!(p.kind.is_some(), "{}", p.name);
    }
}

#[test]
fn supplier_headings_map_to_fields() {
    let dict = Dictionary::builtin();
    let cases = [
        ("Serial No", Field::Serial),
        ("Serial Number", Field::Serial),
        ("S/N", Field::Serial),
        ("Service Tag", Field::Serial),
        ("Asset No.", Field::AssetTag),
        ("Asset Tag", Field::AssetTag),
        ("Asset ID", Field::AssetTag),
        ("Inventory number", Field::AssetTag),
        ("Purchase Date", Field::InServiceDate),
        ("Invoice Date", Field::InServiceDate),
        ("Ship Date", Field::InServiceDate),
        ("Date Purchased", Field::InServiceDate),
        ("Delivered", Field::InServiceDate),
        ("Unit Price", Field::Cost),
        ("Cost", Field::Cost),
        ("Price (ex VAT)", Field::Cost),
        ("Net", Field::Cost),
        ("Unit Price inc VAT", Field::CostIncVat),
        ("Cost (incl. VAT)", Field::CostIncVat),
        ("Product Description", Field::Model),
        ("Model", Field::Model),
        ("Type", Field::Class),
        ("Category", Field::Class),
        ("Device Type", Field::Class),
        ("CLI", Field::Number),
        ("Telephone Number", Field::Number),
        ("Line Number", Field::Number),
        ("Product", Field::Product),
        ("Licence", Field::Product),
        ("SKU description", Field::Product),
        ("Qty", Field::Quantity),
        ("Quantity", Field::Quantity),
        ("Licences", Field::Quantity),
    ];
    for (heading, field) in cases {
        assert_eq!(dict.lookup(heading), Some(field), "{heading}");
    }
    assert_eq!(dict.lookup("Unit Weight"), None);
}

#[test]
fn the_kind_is_told_from_the_columns() {
    assert_eq!(
        columns(&["Serial Number", "Model", "Cost"]).1,
        Some(Kind::Hardware)
    );
    assert_eq!(
        columns(&["CLI", "Service Type", "Rental"]).1,
        Some(Kind::Lines)
    );
    assert_eq!(
        columns(&["Product", "Quantity", "Unit Price", "Agreement"]).1,
        Some(Kind::Licences)
    );
    assert_eq!(columns(&["label", "value"]).1, None);
    let (cols, _) = columns(&["Serial Number", "Serial No", "Weight", "CLI"]);
    let sources: Vec<Source> = cols.iter().map(|c| c.source).collect();
    assert_eq!(
        sources,
        [
            Source::Dictionary,
            Source::Duplicate,
            Source::Unknown,
            Source::NotForKind
        ]
    );
}

#[test]
fn map_overrides_win() {
    let h = vec!["Widget".to_string(), "Serial".to_string()];
    let (cols, kind) = map_columns(
        &h,
        &Dictionary::builtin(),
        None,
        &[("widget".into(), Field::AssetTag)],
        None,
    );
    assert_eq!(cols[0].field, Some(Field::AssetTag));
    assert_eq!(cols[0].source, Source::Map);
    assert_eq!(kind, Some(Kind::Hardware));
}

#[test]
fn excel_serials_in_both_date_systems() {
    assert_eq!(
        date_from_serial(45382.0, false),
        Some(date!(2024 - 03 - 31))
    );
    assert_eq!(
        date_from_serial(45382.75, false),
        Some(date!(2024 - 03 - 31))
    );
    assert_eq!(
        date_from_serial(45351.0, false),
        Some(date!(2024 - 02 - 29))
    );
    assert_eq!(
        date_from_serial(44197.0, false),
        Some(date!(2021 - 01 - 01))
    );
    assert_eq!(date_from_serial(42735.0, true), Some(date!(2021 - 01 - 01)));
    assert_eq!(date_from_serial(1.0, false), Some(date!(1900 - 01 - 01)));
    assert_eq!(date_from_serial(59.0, false), Some(date!(1900 - 02 - 28)));
    assert_eq!(date_from_serial(60.0, false), None, "1900-02-29 never was");
    assert_eq!(date_from_serial(61.0, false), Some(date!(1900 - 03 - 01)));
    assert_eq!(date_from_serial(0.0, true), None);
    assert_eq!(date_from_serial(f64::NAN, false), None);
    assert_eq!(date_from_serial(1e300, false), None);
}

#[test]
fn dates_written_as_text() {
    let cases = [
        ("2024-03-31", date!(2024 - 03 - 31)),
        ("2024-03-31 00:00:00", date!(2024 - 03 - 31)),
        ("2024-03-31T10:10:10", date!(2024 - 03 - 31)),
        ("31/03/2024", date!(2024 - 03 - 31)),
        ("3/4/2024", date!(2024 - 04 - 03)),
        ("31-Mar-24", date!(2024 - 03 - 31)),
        ("31 March 2024", date!(2024 - 03 - 31)),
        ("31.03.2024", date!(2024 - 03 - 31)),
        ("29/02/2024", date!(2024 - 02 - 29)),
        ("45382", date!(2024 - 03 - 31)),
        ("01-Jan-99", date!(1999 - 01 - 01)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_date_text(text, false, false), Some(want), "{text}");
    }
    assert_eq!(
        parse_date_text("03/04/2024", true, false),
        Some(date!(2024 - 03 - 04))
    );
    for bad in [
        "29/02/2023",
        "31/04/2024",
        "2024-13-01",
        "yesterday",
        "31/03",
        "1/2/3/4",
    ] {
        assert_eq!(parse_date_text(bad, false, false), None, "{bad}");
    }
}

#[test]
fn money_forms_and_their_rejections() {
    let h = ["Serial", "Model", "Unit Price"];
    let ok = [
        ("£1,234.56", 123_456),
        ("1234.5", 123_450),
        ("GBP 1,234", 123_400),
        ("612.34 GBP", 61_234),
    ];
    for (text, pence) in ok {
        let o = read(&h, None, &["S1", "OptiPlex 7010", text]);
        assert_eq!(
            one_asset(&o).fields.purchase_cost,
            Some(Money::from_pence(pence)),
            "{text}"
        );
    }
    let o = read(&h, None, &["S1", "OptiPlex 7010", "(120.00)"]);
    assert_eq!(
        reasons(&o),
        ["Unit Price|(120.00)|is a negative amount (in brackets); a cost cannot be negative"]
    );
    let o = read(&h, None, &["S1", "OptiPlex 7010", "-5"]);
    assert_eq!(
        reasons(&o),
        ["Unit Price|-5|is negative; a cost cannot be negative"]
    );
    let o = read(&h, None, &["S1", "OptiPlex 7010", "12,34.5"]);
    assert_eq!(
        reasons(&o),
        ["Unit Price|12,34.5|has misplaced thousands separators (write it like 1,234,567.89)"]
    );
}

#[test]
fn float_money_is_converted_to_exact_pence() {
    let (cols, kind) = columns(&["Serial", "Model", "Unit Price", "Purchase Date"]);
    let rules = rules();
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let row = Row {
        number: 2,
        cells: vec![
            Value::Number(1_234_567.0),
            Value::Text("Latitude 5440".into()),
            Value::Number(612.34),
            Value::DateSerial {
                serial: 45382.0,
                is_1904: false,
            },
        ],
    };
    let o = r.read(&row);
    let a = one_asset(&o);
    assert_eq!(a.fields.serial.as_deref(), Some("1234567"));
    assert_eq!(a.fields.asset_tag, "1234567");
    assert!(!a.tag_given);
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_234)));
    assert_eq!(a.fields.class, AssetClass::Laptop);
    assert_eq!(a.fields.in_service_date, Some(date!(2024 - 03 - 31)));
}

#[test]
fn inc_vat_is_converted_to_net_at_the_rate() {
    let o = read(
        &["Serial", "Model", "Price inc VAT"],
        None,
        &["S1", "OptiPlex", "£734.81"],
    );
    // 734.81 / 1.2 = 612.3416… → £612.34
    assert_eq!(
        one_asset(&o).fields.purchase_cost,
        Some(Money::from_pence(61_234))
    );
}

#[test]
fn classes_come_from_words_then_model_names() {
    let cases = [
        ("Notebook", "", AssetClass::Laptop),
        ("", "OptiPlex 7010", AssetClass::Desktop),
        ("", "Latitude 5440", AssetClass::Laptop),
        ("", "ThinkPad T14", AssetClass::Laptop),
        ("", "HP EliteBook 840 G10", AssetClass::Laptop),
        ("", "PowerEdge R750", AssetClass::Server),
        ("", "ProLiant DL380 Gen10", AssetClass::Server),
        ("", "imageRUNNER ADVANCE C5535i", AssetClass::Mfd),
        ("", "bizhub C300i", AssetClass::Mfd),
        ("", "WorkCentre 6515", AssetClass::Mfd),
        ("", "iPhone 13", AssetClass::Mobile),
        ("", "Galaxy A54", AssetClass::Mobile),
        ("", "Galaxy Tab S9", AssetClass::Tablet),
    ];
    for (class, model, want) in cases {
        let o = read(&["Serial", "Type", "Model"], None, &["S1", class, model]);
        assert_eq!(one_asset(&o).fields.class, want, "{class} {model}");
    }
    let o = read(
        &["Serial", "Type", "Model"],
        None,
        &["S1", "Widget", "Frobnicator 9"],
    );
    assert_eq!(
        reasons(&o),
        [
            "Type|Widget|is not a class estate knows; teach it with `estate vocabulary add \
             class Widget other` (or the class it is: server, storage, network, desktop, \
             laptop, thin_client, monitor, tablet, mobile, mfd, printer, other)"
        ]
    );
    let o = read(&["Serial", "Model"], None, &["S1", "Frobnicator 9"]);
    assert_eq!(reasons(&o).len(), 1);
    assert!(reasons(&o)[0].starts_with("Model|Frobnicator 9|cannot tell the class"));
}

#[test]
fn bad_rows_name_every_problem() {
    let h = ["Serial", "Model", "Purchase Date", "Cost"];
    let o = read(&h, None, &["S1", "OptiPlex", "31/03/2099", "abc"]);
    assert_eq!(
        reasons(&o),
        [
            "Purchase Date|31/03/2099|2099-03-31 is in the future",
            "Cost|abc|is not an amount of money (write it like 1234.56 or £1,234.56)"
        ]
    );
    let o = read(&h, None, &["S1", "OptiPlex", "01/01/1975", ""]);
    assert_eq!(
        reasons(&o),
        ["Purchase Date|01/01/1975|1975-01-01 is before 1980"]
    );
    let o = read(&h, None, &["", "OptiPlex", "", ""]);
    assert_eq!(
        reasons(&o),
        ["Serial||no serial number or asset tag (a row without either needs a quantity)"]
    );
}

#[test]
fn formula_error_cells_reject_the_row_naming_the_error() {
    let (cols, kind) = columns(&["Serial", "Model", "Cost"]);
    let rules = rules();
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let o = r.read(&Row {
        number: 9,
        cells: vec![
            Value::Text("S9".into()),
            Value::Text("OptiPlex".into()),
            Value::Error("#N/A".into()),
        ],
    });
    assert_eq!(
        reasons(&o),
        [
            "Cost|#N/A|is a formula error, so the value is unknown; fix the formula in the spreadsheet or clear the cell"
        ]
    );
}

#[test]
fn unknown_columns_go_to_notes() {
    let o = read(
        &["Serial", "Model", "Colour", "Weight"],
        None,
        &["S1", "OptiPlex", "Black", " 5 kg "],
    );
    assert_eq!(
        one_asset(&o).fields.notes.as_deref(),
        Some("Colour: Black; Weight: 5 kg")
    );
}

#[test]
fn quantity_rows_without_serials_make_numbered_assets() {
    let (cols, kind) = columns(&["Model", "Qty", "Order Number"]);
    let rules = rules();
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let row = text_row(5, &["OptiPlex 7010", "3", "PO-1"]);
    let Parsed::Assets(first) = r.read(&row).parsed else {
        panic!()
    };
    let Parsed::Assets(second) = r.read(&row).parsed else {
        panic!()
    };
    let tags: Vec<&str> = first
        .iter()
        .chain(&second)
        .map(|a| a.fields.asset_tag.as_str())
        .collect();
    assert_eq!(tags.len(), 6);
    let key = &tags[0][4..12];
    assert_eq!(tags[0], format!("GEN-{key}-1"));
    assert_eq!(tags[5], format!("GEN-{key}-6"));
    // The same row read afresh (a re-import) gives the same tags.
    let mut again = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let Parsed::Assets(third) = again.read(&row).parsed else {
        panic!()
    };
    assert_eq!(third[0].fields.asset_tag, tags[0]);
    let o = read(&["Serial", "Model", "Qty"], None, &["S1", "OptiPlex", "2"]);
    assert!(reasons(&o)[0].contains("is one asset"));
}

#[test]
fn lines_and_licences_are_read() {
    let o = read(
        &["CLI", "Service Type", "Rental", "Critical", "Contract End"],
        None,
        &[
            "01604 123456",
            "Analogue Line",
            "£20.00",
            "Yes",
            "31/01/2027",
        ],
    );
    let Parsed::Line(l) = &o.parsed else {
        panic!("{o:?}")
    };
    assert_eq!(l.fields.number, "01604123456");
    assert_eq!(l.fields.line_type, LineType::Pstn);
    assert_eq!(l.fields.monthly_rental, Money::from_pence(2_000));
    assert!(l.fields.critical_care);
    assert_eq!(l.fields.contract_end, Some(date!(2027 - 01 - 31)));
    let o = read(
        &[
            "Product",
            "Quantity",
            "Unit Price",
            "Metric",
            "Billing Frequency",
            "Agreement Number",
            "Agreement",
        ],
        None,
        &[
            "Microsoft 365 E3",
            "600",
            "£20.40",
            "Per User",
            "per user per month",
            "EA 1234",
            "Enterprise Agreement",
        ],
    );
    let Parsed::Licence(l) = &o.parsed else {
        panic!("{o:?}")
    };
    assert_eq!(l.fields.quantity, 600);
    assert_eq!(l.fields.unit_cost, Money::from_pence(2_040));
    assert_eq!(l.fields.metric, LicenceMetric::PerUser);
    assert_eq!(l.fields.cost_basis, CostBasis::Monthly);
    assert_eq!(l.fields.agreement, "EA 1234");
    assert_eq!(l.fields.agreement_type, AgreementType::EnterpriseAgreement);
    let o = read(
        &["Product", "Qty", "Unit Price", "Agreement", "End Date"],
        None,
        &["Visio", "5", "100", "Open Value (perpetual)", "Perpetual"],
    );
    let Parsed::Licence(l) = &o.parsed else {
        panic!("{o:?}")
    };
    assert_eq!(
        l.fields.agreement, "Open Value (perpetual)",
        "no number: the name identifies it"
    );
    assert_eq!(l.fields.agreement_type, AgreementType::Perpetual);
    assert_eq!(
        l.fields.end_date, None,
        "`Perpetual` in a date column means no end date"
    );
}

#[test]
fn serials_are_capitalised_and_scientific_notation_is_refused() {
    let o = read(
        &["IMEI", "Handset"],
        None,
        &["3.54909E+14", "Samsung Galaxy A35 5G"],
    );
    assert!(
        reasons(&o)[0].starts_with("IMEI|3.54909E+14|was saved in scientific notation"),
        "{:?}",
        reasons(&o)
    );
    let o = read(
        &["Serial", "Handset"],
        None,
        &[" pf7jc7w3 ", "Samsung Galaxy A35 5G"],
    );
    let a = one_asset(&o);
    assert_eq!(a.fields.serial.as_deref(), Some("PF7JC7W3"));
    assert_eq!(a.fields.manufacturer.as_deref(), Some("Samsung"));
    assert_eq!(a.fields.class, AssetClass::Mobile);
}

#[test]
fn makers_sites_and_statuses_are_read_as_people_mean_them() {
    let rules = ModelRules::builtin();
    assert_eq!(
        rules.maker_of("OptiPlex 7010 Micro").as_deref(),
        Some("Dell")
    );
    assert_eq!(rules.maker_of("HP E24 G5").as_deref(), Some("HP"));
    assert_eq!(
        rules.maker_of("Dell 24 Monitor - P2419H").as_deref(),
        Some("Dell")
    );
    assert_eq!(
        rules.class_of("Dell 24 Monitor - P2419H"),
        Some(AssetClass::Monitor)
    );
    assert_eq!(rules.maker_of("Frobnicator"), None);
    let o = read(
        &["Serial", "Model", "Location", "Status"],
        None,
        &[
            "S1",
            "ProLiant DL380 Gen9",
            "Shared Data Centre, Rack A09",
            "Archived (archived)",
        ],
    );
    let a = one_asset(&o);
    assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
    assert_eq!(a.fields.status, AssetStatus::Disposed);
    assert_eq!(a.fields.manufacturer.as_deref(), Some("HPE"));
    for (word, status) in [
        ("Archived", AssetStatus::Disposed),
        ("Archived (archived)", AssetStatus::Disposed),
        ("Undeployable", AssetStatus::Retired),
        ("Broken (undeployable)", AssetStatus::Retired),
        ("Repair", AssetStatus::InUse),
        ("Pending Diagnostics", AssetStatus::InUse),
        ("Pending Diagnostics (pending)", AssetStatus::InStore),
        ("Ready to Deploy (deployed)", AssetStatus::InUse),
        ("Ready to Deploy (deployable)", AssetStatus::InStore),
        ("Lost/Stolen", AssetStatus::Lost),
    ] {
        assert_eq!(parse_asset_status(word, &[]), Ok(status), "{word}");
    }
}

#[test]
fn a_lines_use_says_whether_it_is_critical_care() {
    let uses = CriticalUses::builtin();
    for u in [
        "Telecare",
        "Lift line",
        "Fire alarm",
        "Intruder alarm",
        "Sheltered scheme warden call",
    ] {
        assert!(uses.is_critical(u), "{u}");
    }
    for u in ["Voice", "Broadband", "Fax", "Data"] {
        assert!(!uses.is_critical(u), "{u}");
    }
}

#[test]
fn phone_numbers_are_normalised() {
    assert_eq!(
        normalise_number("01604 123456", false).as_deref(),
        Some("01604123456")
    );
    assert_eq!(
        normalise_number("+44 1604 123456", false).as_deref(),
        Some("01604123456")
    );
    assert_eq!(
        normalise_number("1604123456", true).as_deref(),
        Some("01604123456")
    );
    assert_eq!(
        normalise_number("1604123456", false).as_deref(),
        Some("01604123456")
    );
    assert_eq!(
        normalise_number("BBEU 1547 6776", false).as_deref(),
        Some("BBEU15476776")
    );
    assert_eq!(normalise_number("call me", false), None);
    assert_eq!(normalise_number("123", false), None);
}

#[test]
fn months_are_added_keeping_the_day_where_it_exists() {
    assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
    assert_eq!(add_months(date!(2024 - 03 - 31), 36), date!(2027 - 03 - 31));
    assert_eq!(add_months(date!(2024 - 11 - 15), 3), date!(2025 - 02 - 15));
}

#[test]
fn an_explicit_class_word_is_never_overridden_by_the_model() {
    // A word estate does not know beside a model it does: rejected,
    // naming the word and the command that teaches it.
    let o = read(
        &["Serial", "Type", "Model"],
        None,
        &["S1", "Docking Station", "Latitude 5520"],
    );
    let r = reasons(&o);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].starts_with(
            "Type|Docking Station|is not a class estate knows; teach it with `estate \
             vocabulary add class \"Docking Station\" other`"
        ),
        "{r:?}"
    );
    // Taught, the word decides, and is kept in notes.
    let (cols, kind) = columns(&["Serial", "Type", "Model"]);
    let rules = rules();
    let mut syn = ClassSynonyms::builtin();
    syn.insert("Docking Station", AssetClass::Other);
    let models = ModelRules::builtin();
    let mut reader = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let o = reader.read(&text_row(3, &["S1", "Docking Station", "Latitude 5520"]));
    let a = one_asset(&o);
    assert_eq!(a.fields.class, AssetClass::Other);
    assert_eq!(a.fields.notes.as_deref(), Some("Type: Docking Station"));
    // A profile that says its categories are free-form: the model tells
    // the class, the word is kept; neither known rejects.
    let mut free = rules.clone();
    free.class_fallback = true;
    let syn = ClassSynonyms::builtin();
    let mut reader = RowReader::new(&cols, kind.unwrap(), &free, &syn, &models);
    let o = reader.read(&text_row(
        4,
        &["S2", "Ornamental Railings", "Macbook Pro 13"],
    ));
    let a = one_asset(&o);
    assert_eq!(a.fields.class, AssetClass::Laptop);
    assert_eq!(a.fields.notes.as_deref(), Some("Type: Ornamental Railings"));
    let o = reader.read(&text_row(5, &["S3", "Fire Protection", "Robby"]));
    assert_eq!(
        reasons(&o),
        [
            "Type|Fire Protection|is not a class estate knows, and neither is the model \
          `Robby`; teach the word with `estate vocabulary add class \"Fire Protection\" \
          other` (or the class it is: server, storage, network, desktop, laptop, \
          thin_client, monitor, tablet, mobile, mfd, printer, other)"
        ]
    );
}

#[test]
fn text_is_never_cut_but_an_address_names_its_site() {
    let o = read(
        &["Serial", "Model", "Location"],
        None,
        &["S1", "OptiPlex 7010", "Wilkinson, Waters and Kerluke"],
    );
    let a = one_asset(&o);
    assert_eq!(
        a.fields.site.as_deref(),
        Some("Wilkinson, Waters and Kerluke")
    );
    assert_eq!(a.fields.notes, None);
    let o = read(
        &["Serial", "Model", "Site Address"],
        None,
        &[
            "S1",
            "OptiPlex 7010",
            "Avonmere House, Castle Street, Avonmere AV1 2AB",
        ],
    );
    let a = one_asset(&o);
    assert_eq!(a.fields.site.as_deref(), Some("Avonmere House"));

    assert_eq!(
        a.fields.notes.as_deref(),
        Some("Site Address: Avonmere House, Castle Street, Avonmere AV1 2AB")
    );
    let o = read(
        &["Serial", "Model", "Location"],
        None,
        &["S1", "PowerEdge R650", "Shared Data Centre, Rack B04"],
    );
    let a = one_asset(&o);
    assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
    assert_eq!(
        a.fields.notes.as_deref(),
        Some("Location: Shared Data Centre, Rack B04")
    );
}

#[test]
fn date_readings_say_which_order_a_value_allows() {
    for (text, want) in [
        ("1/23/23", Reading::MonthFirstOnly),
        ("11/14/22", Reading::MonthFirstOnly),
        ("23/1/23", Reading::DayFirstOnly),
        ("31-03-2024", Reading::DayFirstOnly),
        ("10/1/22", Reading::Either),
        ("4/11/23", Reading::Either),
        ("2024-03-31", Reading::Neither),
        ("31-Mar-24", Reading::Neither),
        ("13/13/23", Reading::Neither),
        ("0/1/23", Reading::Neither),
        ("45382", Reading::Neither),
    ] {
        assert_eq!(date_reading(text), want, "{text}");
    }
}

fn decided(values: &[&str], forced: Option<(DateOrder, &str)>) -> Vec<DateColumn> {
    let (cols, _) = columns(&["Serial", "Model", "Purchase Date"]);
    let mut e = DateEvidence::new(&cols);
    for (i, v) in values.iter().enumerate() {
        e.observe(&text_row(u32::try_from(i).unwrap() + 2, &["S", "M", v]));
    }
    e.decide(forced)
}

#[test]
fn a_date_columns_order_is_decided_from_the_whole_column() {
    let d = decided(&["10/1/22", "1/23/23", "4/11/23"], None);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].order, DateOrder::MonthFirst);
    assert_eq!(
        d[0].describe(),
        "dates in `Purchase Date` read month-first (`1/23/23` on row 3 can only be month-first)"
    );
    let d = decided(&["10/1/22", "4/11/23"], None);
    assert_eq!(d[0].order, DateOrder::DayFirst);
    assert_eq!(
        d[0].describe(),
        "dates in `Purchase Date` read day-first; none was unambiguous — `--us-dates` if they are US"
    );
    let d = decided(&["23/1/23", "10/1/22"], None);
    assert_eq!(d[0].order, DateOrder::DayFirst);
    let d = decided(&["1/23/23"], Some((DateOrder::DayFirst, "--uk-dates")));
    assert_eq!((d[0].order, d[0].contradicting), (DateOrder::DayFirst, 1));
    assert!(decided(&["2024-03-31"], None).is_empty());

    // Read with the decided order: the ambiguous value month-first, a
    // value that contradicts the order rejected naming both.
    let (cols, kind) = columns(&["Serial", "Model", "Purchase Date"]);
    let mut rules = rules();
    rules.dates = decided(&["1/23/23", "10/1/22", "23/1/23"], None);
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let o = r.read(&text_row(3, &["S1", "OptiPlex 7010", "10/1/22"]));
    assert_eq!(
        one_asset(&o).fields.in_service_date,
        Some(date!(2022 - 10 - 01))
    );
    let o = r.read(&text_row(4, &["S2", "OptiPlex 7010", "23/1/23"]));
    assert_eq!(
        reasons(&o),
        [
            "Purchase Date|23/1/23|can only be read day-first, but this column's dates are \
          month-first (settled by `1/23/23` on row 2); check both, or say the order with \
          --us-dates or --uk-dates"
        ]
    );
}

#[test]
fn taught_statuses_and_placeholders_are_used() {
    let taught = vec![("repair".to_string(), AssetStatus::InStore)];
    assert_eq!(
        parse_asset_status("Repair", &taught),
        Ok(AssetStatus::InStore)
    );
    let err = parse_asset_status("Quarantined", &[]).unwrap_err();
    assert!(
        err.ends_with("teach it with `estate vocabulary add status Quarantined in_use`"),
        "{err}"
    );
    let (cols, kind) = columns(&["Serial", "Asset Tag", "Model"]);
    let mut rules = rules();
    rules.placeholders = vec!["no tag".into()];
    let syn = ClassSynonyms::builtin();
    let models = ModelRules::builtin();
    let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
    let o = r.read(&text_row(3, &["S1", "No Tag", "OptiPlex 7010"]));
    let a = one_asset(&o);
    assert_eq!((a.fields.asset_tag.as_str(), a.tag_given), ("S1", false));
}

#[test]
fn camel_case_and_plural_headings_are_split_into_words_before_matching() {
    assert_eq!(split_camel_case("SerialNumber"), "Serial Number");
    assert_eq!(split_camel_case("PONumber"), "PO Number");
    assert_eq!(split_camel_case("assetTag"), "asset Tag");
    assert_eq!(split_camel_case("IMEI"), "IMEI");
    let d = Dictionary::builtin();
    for (heading, field) in [
        ("SerialNumber", Field::Serial),
        ("AssetTag", Field::AssetTag),
        ("PurchaseDate", Field::InServiceDate),
        ("AssignedTo", Field::AssignedUser),
        ("serialNumber", Field::Serial),
        ("Serial Numbers", Field::Serial),
        ("Asset Tags", Field::AssetTag),
        ("PONumber", Field::OrderRef),
    ] {
        assert_eq!(d.lookup(heading), Some(field), "{heading}");
    }
    // Model names are not headings: their words are never split.
    assert_eq!(
        ModelRules::builtin().class_of("MacBook Pro 13"),
        Some(AssetClass::Laptop)
    );
}

#[test]
fn placeholders_in_identifier_columns_are_blanks() {
    for tag in ["No tag", "not checked", "none", "n/a", "TBC", "?", "-", "0"] {
        let o = read(
            &["Serial", "Asset Tag", "Model"],
            None,
            &["SN-9", tag, "OptiPlex 7010"],
        );
        let a = one_asset(&o);
        assert_eq!(
            (a.fields.asset_tag.as_str(), a.tag_given),
            ("SN-9", false),
            "{tag}"
        );
    }
    // Elsewhere "0" is a value: a cost of nothing.
    let o = read(
        &["Serial", "Model", "Cost"],
        None,
        &["SN-9", "OptiPlex 7010", "0"],
    );
    assert_eq!(one_asset(&o).fields.purchase_cost, Some(Money::ZERO));
}

#[test]
fn the_shipped_status_words_are_read_as_they_were_written() {
    let words = status_words();
    // 22 words in data/import/status-words.csv, in file order.
    assert_eq!(words.len(), 22);
    assert_eq!(
        words[0],
        ("ready to deploy".to_string(), AssetStatus::InStore)
    );
    assert_eq!(words[21], ("lost stolen".to_string(), AssetStatus::Lost));
    assert_eq!(
        parse_asset_status("Lost/Stolen", &[]),
        Ok(AssetStatus::Lost)
    );
    assert_eq!(
        parse_asset_status("Out for Repair", &[]),
        Ok(AssetStatus::InUse)
    );
    assert!(parse_status_words("word,status\nfoo,broken\n").is_err());
}
