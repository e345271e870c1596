//! Shapes of file real suppliers and tools save (issue 12): Excel's
//! "Unicode text" and UTF-16 CSV, HTML tables and `SpreadsheetML` 2003 XML
//! saved as `.xls`, merged group headings, sectioned sheets with totals,
//! device-management exports with enrolment dates only, and organisation
//! columns naming organisations the register does not hold. Every file is
//! built here.

use serde_json::Value;

use crate::util::Env;

fn write_bytes(env: &Env, name: &str, bytes: &[u8]) -> String {
    std::fs::write(env.path().join(name), bytes).expect("write a test file");
    name.to_string()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    write_bytes(env, name, text.as_bytes())
}

/// Every asset, in the order `list` gives them.
fn assets(env: &Env) -> Vec<Value> {
    env.json(&["list"]).as_array().expect("a list").clone()
}

fn asset<'a>(all: &'a [Value], tag: &str) -> &'a Value {
    all.iter()
        .find(|a| a["asset_tag"] == tag)
        .unwrap_or_else(|| panic!("no asset {tag} in {all:?}"))
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom
        .then_some('\u{feff}')
        .into_iter()
        .map(|c| c as u16)
        .chain(text.encode_utf16());
    for u in units {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

const TWO_ASSETS: &str = "Asset Tag\tSerial Number\tModel\tPurchase Date\tCost\n\
     BCW-1\tSN-Ł1\tOptiPlex 7010\t31/03/2023\t612.34\n\
     BCW-2\tSN-2\tLatitude 5540\t01/04/2024\t£1,049.99\n";

fn assert_two_assets(env: &Env) {
    let all = assets(env);
    assert_eq!(all.len(), 2);
    let one = asset(&all, "BCW-1");
    assert_eq!(one["serial"], "SN-Ł1");
    assert_eq!(one["class"], "desktop");
    assert_eq!(one["in_service_date"], "2023-03-31");
    assert_eq!(one["purchase_cost"], "612.34");
    let two = asset(&all, "BCW-2");
    assert_eq!(two["class"], "laptop");
    assert_eq!(two["in_service_date"], "2024-04-01");
    assert_eq!(two["purchase_cost"], "1049.99");
}

#[test]
fn excel_unicode_text_is_read_as_the_tab_separated_utf16_it_is() {
    let env = Env::with_org();
    let f = write_bytes(&env, "export.txt", &utf16(TWO_ASSETS, false, true));
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_two_assets(&env);
}

#[test]
fn utf16_big_endian_csv_and_utf16_without_a_mark_are_read() {
    let env = Env::with_org();
    let csv = TWO_ASSETS
        .replace('\t', ",")
        .replace("£1,049.99", "\"£1,049.99\"");
    let f = write_bytes(&env, "powershell.csv", &utf16(&csv, true, true));
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_two_assets(&env);

    let env = Env::with_org();
    let f = write_bytes(&env, "nomark.csv", &utf16(&csv, false, false));
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_two_assets(&env);
}

#[test]
fn an_html_table_saved_as_xls_is_read_as_the_table_it_is() {
    let env = Env::with_org();
    let page = "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head>\
        <meta charset=\"utf-8\"><style>td { color: red }</style></head><body>\
        <table><tr><td>Supplier portal<table border=\"1\">\
        <thead><tr><th>Asset Tag</th><th>Serial Number</th><th>Model</th>\
        <th>Purchase Date</th><th>Cost</th><th>Location</th></tr></thead>\
        <tbody>\
        <tr><td>BCW-1</td><td>SN-&#321;1</td><td>OptiPlex&nbsp;7010</td><td>31/03/2023</td>\
        <td>&pound;612.34</td><td>Smith &amp; Sons<br>Depot</td></tr>\
        <tr><td>BCW-2</td><td>SN-2</td><td>Latitude 5540</td><td>01/04/2024</td>\
        <td>£1,049.99</td><td></td></tr>\
        </tbody></table></td></tr></table></body></html>";
    let f = write(&env, "portal-export.xls", page);
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["format"], "html", "{s}");
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_two_assets(&env);
    let all = assets(&env);
    assert_eq!(asset(&all, "BCW-1")["site"], "Smith & Sons Depot");
}

#[test]
fn spreadsheetml_2003_saved_as_xls_is_read_with_its_types() {
    let env = Env::with_org();
    let xml = r#"<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Notes"><Table><Row><Cell><Data ss:Type="String">Exported 7/12/2026</Data></Cell></Row></Table></Worksheet>
 <Worksheet ss:Name="Assets">
  <Table>
   <Row>
    <Cell><Data ss:Type="String">Asset Tag</Data></Cell>
    <Cell><Data ss:Type="String">Serial Number</Data></Cell>
    <Cell><Data ss:Type="String">Model</Data></Cell>
    <Cell><Data ss:Type="String">Purchase Date</Data></Cell>
    <Cell><Data ss:Type="String">Cost</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">BCW-1</Data></Cell>
    <Cell><Data ss:Type="String">SN-Ł1</Data></Cell>
    <Cell><Data ss:Type="String">OptiPlex 7010</Data></Cell>
    <Cell><Data ss:Type="DateTime">2023-03-31T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="Number">612.34</Data></Cell>
   </Row>
   <Row ss:Index="4">
    <Cell><Data ss:Type="String">BCW-2</Data></Cell>
    <Cell><Data ss:Type="String">SN-2</Data></Cell>
    <Cell><Data ss:Type="String">Latitude 5540</Data></Cell>
    <Cell><Data ss:Type="DateTime">2024-04-01T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="Number">1049.99</Data></Cell>
   </Row>
  </Table>
 </Worksheet>
</Workbook>"#;
    let f = write(&env, "supplier.xls", xml);
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["format"], "xml", "{s}");
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_two_assets(&env);
}

/// A sheet whose headings sit under group headings merged across them:
/// `Device` over three columns, `Purchase` over four and `Warranty` over
/// two (`Warranty` filled across two columns would be two known headings,
/// and its row taken for the header).
fn grouped_workbook(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let plain = rust_xlsxwriter::Format::new();
    sheet.write_string(0, 0, "Estate return 2026").unwrap();
    sheet.merge_range(2, 0, 2, 2, "Device", &plain).unwrap();
    sheet.merge_range(2, 3, 2, 6, "Purchase", &plain).unwrap();
    sheet.merge_range(2, 7, 2, 8, "Warranty", &plain).unwrap();
    let headings = [
        "Asset Tag",
        "Serial Number",
        "Model",
        "Date",
        "Cost",
        "Supplier",
        "Order Number",
        "Months",
        "End",
    ];
    for (c, h) in headings.iter().enumerate() {
        sheet
            .write_string(3, u16::try_from(c).unwrap(), *h)
            .unwrap();
    }
    let rows = [
        [
            "BCW-1",
            "SN-1",
            "OptiPlex 7010",
            "31/03/2023",
            "612.34",
            "XMA",
            "PO-1",
            "36",
            "31/03/2026",
        ],
        [
            "BCW-2",
            "SN-2",
            "Latitude 5540",
            "01/04/2024",
            "1049.99",
            "CDW",
            "PO-2",
            "36",
            "01/04/2027",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string(u32::try_from(r + 4).unwrap(), u16::try_from(c).unwrap(), *v)
                .unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_group_heading_merged_over_columns_counts_once_so_the_real_headings_win() {
    let env = Env::with_org();
    grouped_workbook(&env.path().join("grouped.xlsx"));
    let s = env.json(&["import", "grouped.xlsx", "--org", "BCW"]);
    assert_eq!(s["sheets"][0]["header_row"], 4, "{s}");
    assert_eq!(s["total"]["new"], 2, "{s}");
    let all = assets(&env);
    let one = asset(&all, "BCW-1");
    assert_eq!(one["serial"], "SN-1");
    assert_eq!(one["in_service_date"], "2023-03-31");
    assert_eq!(one["purchase_cost"], "612.34");
    assert_eq!(one["supplier"], "XMA");
    assert_eq!(one["order_ref"], "PO-1");
    assert_eq!(one["warranty_end"], "2026-03-31");
    let headings: Vec<&str> = s["sheets"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["heading"].as_str().unwrap())
        .collect();
    assert_eq!(
        headings,
        [
            "Asset Tag",
            "Serial Number",
            "Model",
            "Purchase Date",
            "Cost",
            "Supplier",
            "Order Number",
            "Warranty Months",
            "Warranty End"
        ]
    );
    assert_eq!(asset(&all, "BCW-2")["purchase_cost"], "1049.99");
}

#[test]
fn each_section_after_a_totals_row_is_read_and_its_total_checked() {
    let env = Env::with_org();
    // Two sections, each with its own total, then the grand total; the
    // second section's total is a penny out.
    let f = write(
        &env,
        "sections.csv",
        "Asset Tag,Serial Number,Model,Purchase Date,Cost\n\
         BCW-1,SN-1,OptiPlex 7010,31/03/2023,612.34\n\
         BCW-2,SN-2,OptiPlex 7010,31/03/2023,612.34\n\
         Total,,,,1224.68\n\
         LAPTOPS\n\
         BCW-3,SN-3,Latitude 5540,01/04/2024,1049.99\n\
         Total,,,,1050.00\n\
         Grand total,,,,2274.67\n\
         Prepared by the supplier\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 3, "{s}");
    assert_eq!(s["sheets"][0]["rows"], 3);
    assert_eq!(s["sheets"][0]["totals_row"], 8);
    assert_eq!(
        s["sheets"][0]["skipped_rows"][0],
        "row 5: a section heading"
    );
    let notes: Vec<&str> = s["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    // 612.34 + 612.34 = 1224.68; 1049.99 ≠ 1050.00; all three = 2274.67.
    assert!(
        notes.contains(
            &"sheet `sections.csv`: 2 sections, each read; their totals rows were skipped \
              (row 4: £1,224.68 agrees with its rows; row 7: £1,050.00, but its rows add up to \
              £1,049.99 — check the file; row 8: £2,274.67 agrees with its rows)"
        ),
        "{notes:?}"
    );
    let all = assets(&env);
    assert_eq!(asset(&all, "BCW-3")["purchase_cost"], "1049.99");
    assert_eq!(asset(&all, "BCW-3")["in_service_date"], "2024-04-01");
}

#[test]
fn a_row_below_the_last_total_with_no_section_of_its_own_is_not_read_and_said() {
    let env = Env::with_org();
    let f = write(
        &env,
        "stray.csv",
        "Asset Tag,Serial Number,Model,Cost\n\
         BCW-1,SN-1,OptiPlex 7010,612.34\n\
         Total,,,612.34\n\
         BCW-99,SN-99,OptiPlex 7010,1.00\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 1, "{s}");
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `stray.csv`: 1 row(s) below the totals row (row 3) were not read: no \
                section heading, repeated header or totals row of their own made them a section"),
        "{s}"
    );
}

#[test]
fn headings_below_row_fifty_are_read_with_header_row() {
    let env = Env::with_org();
    let mut text = "Terms and conditions apply\n".repeat(60);
    text.push_str("Asset Tag,Serial Number,Model,Cost\nBCW-1,SN-1,OptiPlex 7010,612.34\n");
    let f = write(&env, "deep.csv", &text);
    let err = env.fails(&["import", &f, "--org", "BCW"], 1);
    assert!(err.contains("say which row with --header-row N"), "{err}");
    let s = env.json(&["import", &f, "--org", "BCW", "--header-row", "61"]);
    assert_eq!(s["sheets"][0]["header_row"], 61, "{s}");
    assert_eq!(s["total"]["new"], 1);
    assert_eq!(asset(&assets(&env), "BCW-1")["purchase_cost"], "612.34");
}

const INTUNE: &str = "Device name,Enrollment date,Last check-in,OS,OS version,Serial number,\
Manufacturer,Model,Primary user UPN,Compliance\n\
BCW-LT-01,2023-05-04 09:12:00,2026-12-01 08:00:00,Windows,10.0.22631.4460,PF3ABC12,LENOVO,\
ThinkPad T14,a.person@bcw.gov.uk,Compliant\n\
BCW-LT-02,2021-11-30 14:00:00,2026-11-29 17:30:00,Windows,10.0.19045.5131,5CG1234XYZ,HP,\
EliteBook 840 G8,b.person@bcw.gov.uk,Compliant\n\
BCW-IPAD-1,,2026-10-01 10:00:00,iOS,17.6.1,DMPXK2ABCD,Apple,iPad (9th generation),,Compliant\n";

#[test]
fn an_intune_export_takes_its_age_from_enrolment_marked_as_estimated() {
    let env = Env::with_org();
    let f = write(&env, "intune.csv", INTUNE);
    let s = env.json(&["import", &f, "--profile", "intune", "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 3, "{s}");
    let all = assets(&env);
    let one = asset(&all, "PF3ABC12");
    assert_eq!(one["in_service_date"], "2023-05-04");
    assert_eq!(one["os"], "Windows");
    assert_eq!(one["os_version"], "10.0.22631.4460");
    assert_eq!(one["assigned_user"], "a.person@bcw.gov.uk");
    assert_eq!(one["class"], "laptop");
    assert!(
        one["notes"]
            .as_str()
            .unwrap()
            .contains("age estimated from enrolment (`Enrollment date`)"),
        "{one}"
    );
    let two = asset(&all, "5CG1234XYZ");
    assert_eq!(two["in_service_date"], "2021-11-30");
    // No enrolment date: no age, and no mark.
    let ipad = asset(&all, "DMPXK2ABCD");
    assert_eq!(ipad["in_service_date"], Value::Null);
    assert_eq!(ipad["os"], "iOS");
    assert!(!ipad["notes"].as_str().unwrap_or("").contains("estimated"));
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `intune.csv`: 2 asset(s) have an in-service date taken from `Enrollment \
                date` (--age-from), marked \"age estimated from enrolment\" in their notes; their \
                recorded costs come to £0.00, 2 of them with no cost (the forecast prices those by \
                class)"),
        "{s}"
    );
}

#[test]
fn a_device_export_without_a_purchase_date_suggests_age_from_and_the_flag_reads_it() {
    let env = Env::with_org();
    let f = write(
        &env,
        "devices.csv",
        "Serial Number,Model,Operating System,First Seen,Cost\n\
         SN-1,OptiPlex 7010,Windows 11,14/02/2022,612.34\n\
         SN-2,OptiPlex 7010,Windows 10,01/09/2020,\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW", "--dry-run"]);
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `devices.csv`: no purchase or in-service date, so the assets' age is not \
                known; `First Seen` looks like an enrolment date: --age-from \"First Seen\" reads \
                it as a stand-in in-service date (the assets marked \"age estimated from \
                enrolment\")"),
        "{s}"
    );
    let s = env.json(&["import", &f, "--org", "BCW", "--age-from", "first seen"]);
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `devices.csv`: 2 asset(s) have an in-service date taken from `First Seen` \
                (--age-from), marked \"age estimated from enrolment\" in their notes; their \
                recorded costs come to £612.34, 1 of them with no cost (the forecast prices those \
                by class)"),
        "{s}"
    );
    let all = assets(&env);
    assert_eq!(asset(&all, "SN-1")["in_service_date"], "2022-02-14");
    assert_eq!(asset(&all, "SN-1")["os"], "Windows 11");
    assert_eq!(asset(&all, "SN-2")["in_service_date"], "2020-09-01");
    let err = env.fails(&["import", &f, "--org", "BCW", "--age-from", "Enrolled"], 1);
    assert!(
        err.contains("--age-from `Enrolled`: sheet `devices.csv` has no column headed so"),
        "{err}"
    );
}

#[test]
fn assets_whose_age_is_estimated_from_enrolment_are_shown_apart_in_the_forecast() {
    let env = Env::with_org();
    let f = write(
        &env,
        "devices.csv",
        "Serial Number,Model,Operating System,First Seen,Cost\n\
         SN-1,OptiPlex 7010,Windows 11,14/02/2022,612.34\n\
         SN-2,OptiPlex 7010,Windows 10,01/09/2020,\n",
    );
    env.ok(&["import", &f, "--org", "BCW", "--age-from", "First Seen"]);
    // A desktop bought outright, its age known.
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "PC-9",
        "--purchase-date",
        "2021-06-01",
        "--org",
        "BCW",
    ]);
    // By hand (today 28 November 2026, horizon 2026/27 to 2030/31; a
    // desktop lives 5 years and is priced £600.00 at the 2026/27 price base):
    // SN-2 (2020-09-01) fell due 2025-09-01, overdue, so 2026/27 at £600.00;
    // SN-1 (2022-02-14) falls due 2027-02-14, in 2026/27, at £600.00;
    // PC-9 (2021-06-01) falls due 2026-06-01, in 2026/27, at £600.00.
    // Their next replacements are after 2030/31. So 2026/27 is £1,800.00,
    // of which the two estimated ages are 2 replacements and £1,200.00.
    let j = env.json(&["forecast", "--format", "json"]);
    let a = &j["age_estimated"];
    assert_eq!(a["assets"], 2, "{j}");
    let years = a["years"].as_array().unwrap();
    assert_eq!(years.len(), 5);
    assert_eq!(years[0]["year"], "2026/27");
    assert_eq!(years[0]["replacements"], 2);
    assert_eq!(years[0]["cost"], "1200.00");
    for y in &years[1..] {
        assert_eq!(y["replacements"], 0, "{y}");
        assert_eq!(y["cost"], "0.00", "{y}");
    }
    let out = env.cmd().arg("forecast").output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(
            "age estimated from enrolment (`import --age-from`): 2 assets in scope, replaced (in \
             the figures above): 2026/27 2 (£1,200.00), 2027/28 0 (£0.00), 2028/29 0 (£0.00), \
             2029/30 0 (£0.00), 2030/31 0 (£0.00)"
        ),
        "{text}"
    );
    // A register with no such asset says nothing of it.
    let plain = Env::with_org();
    let j = plain.json(&["forecast", "--format", "json"]);
    assert!(j.get("age_estimated").is_none(), "{j}");
}

#[test]
fn organisations_the_register_lacks_are_told_once_by_value_with_both_ways_out() {
    let env = Env::with_org();
    let f = write(
        &env,
        "companies.csv",
        "Asset Tag,Serial Number,Model,Company,Cost\n\
         BCW-1,SN-1,OptiPlex 7010,BCW,612.34\n\
         BCW-2,SN-2,OptiPlex 7010,Brookfield Borough Council,612.34\n\
         ACM-1,SN-3,OptiPlex 7010,Acme Ltd,500.00\n\
         ACM-2,SN-4,OptiPlex 7010,Acme Ltd,500.00\n\
         FOO-1,SN-5,Latitude 5540,Foo Corp,1049.99\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW", "--rejects", "rejects.csv"]);
    assert_eq!(s["total"]["new"], 2, "{s}");
    assert_eq!(s["total"]["rejected"], 3, "{s}");
    assert_eq!(s["first_rejects"].as_array().unwrap().len(), 0, "{s}");
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `companies.csv`: 2 value(s) in column `Company` are not organisations in \
                the register, so their 3 row(s) were rejected: `Acme Ltd` (2 rows), `Foo Corp` \
                (1 row). Either add each to the register (`estate orgs add CODE \"Acme Ltd\"`) \
                and import again, or import every row into --org with --org-column-as-notes \
                (the column's values kept in each asset's notes)"),
        "{s}"
    );
    // The rejects file still holds each row, to fix and import again.
    let rejects = std::fs::read_to_string(env.path().join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 4, "{rejects}");

    let s = env.json(&["import", &f, "--org", "BCW", "--org-column-as-notes"]);
    assert_eq!(s["total"]["new"], 3, "{s}");
    assert_eq!(s["total"]["unchanged"], 0, "{s}");
    let all = assets(&env);
    assert_eq!(all.len(), 5);
    let acme = asset(&all, "ACM-1");
    assert_eq!(acme["organisation"], "BCW");
    assert_eq!(acme["purchase_cost"], "500.00");
    assert!(
        acme["notes"]
            .as_str()
            .unwrap()
            .contains("Company: Acme Ltd"),
        "{acme}"
    );
}
