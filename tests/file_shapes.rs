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
