//! `estate add`, `list`, `show`, `update` and `dispose`: hardware assets.

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::db;
use estate::domain::{AssetClass, AssetStatus, ClassSynonyms, DisposalMethod, Funding, Money, iso};
use estate::register::store::{self, Entity};
use estate::register::{Asset, AssetFields, AssetFilter, Disposal};
use estate::report::{Cell, View};
use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use super::{Ctx, parse_date, parse_money};

/// The fields of an asset, as flags (shared by `add` and `update`).
#[derive(Debug, Args, Default)]
pub struct AssetFlags {
    /// Manufacturer's serial number (service tag, IMEI).
    #[arg(long)]
    pub serial: Option<String>,
    /// Manufacturer, e.g. Dell.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Model, e.g. "OptiPlex 7010".
    #[arg(long)]
    pub model: Option<String>,
    /// Site (must exist: `estate sites add`).
    #[arg(long)]
    pub site: Option<String>,
    /// Department or cost centre (must exist: `estate departments add`).
    #[arg(long)]
    pub department: Option<String>,
    /// The person it is assigned to.
    #[arg(long)]
    pub user: Option<String>,
    /// In-service or purchase date (2021-04-01 or 01/04/2021).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub purchase_date: Option<Date>,
    /// Purchase cost ex VAT (612.34 or £612.34).
    #[arg(long, value_parser = parse_money, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub cost: Option<Money>,
    /// Supplier.
    #[arg(long)]
    pub supplier: Option<String>,
    /// Purchase order reference.
    #[arg(long)]
    pub order_ref: Option<String>,
    /// Warranty end date.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub warranty_end: Option<Date>,
    /// purchased (capital) or leased (revenue).
    #[arg(long)]
    pub funding: Option<Funding>,
    /// Lease end date (leased kit only).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub lease_end: Option<Date>,
    /// in_use, in_store, retired, disposed or lost.
    #[arg(long)]
    pub status: Option<AssetStatus>,
    /// Replacement life in years, overriding the policy for this asset.
    #[arg(long, value_name = "YEARS")]
    pub life: Option<u32>,
    /// Average power draw in watts, overriding the class profile.
    #[arg(long, value_name = "WATTS")]
    pub power_watts: Option<Decimal>,
    /// Hours a year at that draw (with --power-watts).
    #[arg(long, value_name = "HOURS")]
    pub power_hours: Option<u32>,
    /// Annual energy in kWh, overriding the class profile.
    #[arg(long, value_name = "KWH")]
    pub power_kwh: Option<Decimal>,
    /// Free-text notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Operating system, e.g. "Windows Server", Windows, iOS, ESXi (matched
    /// to the end-of-support data: `estate support`).
    #[arg(long)]
    pub os: Option<String>,
    /// The operating system's version or release, e.g. 2016, "10 22H2", 17.
    #[arg(long, value_name = "VERSION")]
    pub os_version: Option<String>,
    /// Firmware version (network and storage kit).
    #[arg(long, value_name = "VERSION")]
    pub firmware: Option<String>,
    /// The last supported day, from a supplier's end-of-life notice; beats
    /// the support data.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub support_end: Option<Date>,
}

impl AssetFlags {
    fn apply(&self, f: &mut AssetFields) {
        let set = |slot: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *slot = Some(v.trim().to_string()).filter(|s| !s.is_empty());
            }
        };
        set(&mut f.serial, &self.serial);
        set(&mut f.manufacturer, &self.manufacturer);
        set(&mut f.model, &self.model);
        set(&mut f.site, &self.site);
        set(&mut f.department, &self.department);
        set(&mut f.assigned_user, &self.user);
        set(&mut f.supplier, &self.supplier);
        set(&mut f.order_ref, &self.order_ref);
        set(&mut f.notes, &self.notes);
        set(&mut f.os, &self.os);
        set(&mut f.os_version, &self.os_version);
        set(&mut f.firmware, &self.firmware);
        if self.support_end.is_some() {
            f.support_end = self.support_end;
        }
        if self.purchase_date.is_some() {
            f.in_service_date = self.purchase_date;
        }
        if self.cost.is_some() {
            f.purchase_cost = self.cost;
        }
        if self.warranty_end.is_some() {
            f.warranty_end = self.warranty_end;
        }
        if let Some(funding) = self.funding {
            f.funding = funding;
        }
        if self.lease_end.is_some() {
            f.lease_end = self.lease_end;
        }
        if let Some(status) = self.status {
            f.status = status;
        }
        if self.life.is_some() {
            f.life_years = self.life;
        }
        if self.power_watts.is_some() {
            f.power_watts = self.power_watts;
        }
        if self.power_hours.is_some() {
            f.power_hours_per_year = self.power_hours;
        }
        if self.power_kwh.is_some() {
            f.power_kwh_per_year = self.power_kwh;
        }
    }
}

/// Flags of `estate add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The class: server, storage, network, desktop, laptop, thin_client,
    /// monitor, tablet, mobile, mfd, printer, other (supplier words such as
    /// Notebook or MFP work too).
    pub class: String,
    /// Asset tag, unique within the organisation.
    #[arg(long, value_parser = asset_tag)]
    pub tag: String,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
    #[command(flatten)]
    pub fields: AssetFlags,
}

/// Flags of `estate list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this organisation.
    #[arg(long)]
    pub org: Option<String>,
    /// Only this class.
    #[arg(long)]
    pub class: Option<String>,
    /// Only this site.
    #[arg(long)]
    pub site: Option<String>,
    /// Only this status.
    #[arg(long)]
    pub status: Option<AssetStatus>,
}

/// Flags of `estate show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Asset tag or serial number.
    pub key: String,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
}

/// Flags of `estate update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Asset tag or serial number of the asset to change.
    pub key: String,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
    /// A new class.
    #[arg(long)]
    pub class: Option<String>,
    /// A new asset tag.
    #[arg(long, value_parser = asset_tag)]
    pub tag: Option<String>,
    /// Empty a field (repeatable), e.g. --clear user --clear notes.
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,
    #[command(flatten)]
    pub fields: AssetFlags,
}

/// Flags of `estate dispose`.
#[derive(Debug, Args)]
pub struct DisposeArgs {
    /// Asset tag or serial number.
    #[arg(required_unless_present = "undo")]
    pub key: Option<String>,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
    /// resale, recycling, destruction, returned_to_lessor or donation.
    #[arg(long, required_unless_present = "undo")]
    pub method: Option<DisposalMethod>,
    /// The disposal contractor's certificate reference (e.g. an ADISA data-destruction certificate).
    #[arg(long)]
    pub certificate: Option<String>,
    /// The date it left (2026-05-01 or 01/05/2026).
    #[arg(long, value_parser = parse_date, value_name = "DATE", required_unless_present = "undo")]
    pub date: Option<Date>,
    /// The disposal contractor.
    #[arg(long)]
    pub contractor: Option<String>,
    /// Money received for it, if sold.
    #[arg(long, value_parser = parse_money, value_name = "AMOUNT")]
    pub proceeds: Option<Money>,
    /// Notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Reverse a disposal recorded in error (by tag or serial): the asset goes back to the
    /// status it had before, and the disposal stays in its history with --reason.
    #[arg(
        long,
        value_name = "TAG",
        requires = "reason",
        conflicts_with_all = ["key", "method", "date", "certificate", "contractor", "proceeds", "notes"]
    )]
    pub undo: Option<String>,
    /// Why the disposal is reversed (with --undo; kept in the asset's history).
    #[arg(long, requires = "undo")]
    pub reason: Option<String>,
}

fn parse_class(word: &str) -> Result<AssetClass> {
    Ok(ClassSynonyms::builtin().parse_class(word)?)
}

/// `estate add`.
pub fn add(ctx: &Ctx, args: &AddArgs) -> Result<()> {
    let class = parse_class(&args.class)?;
    let mut fields = AssetFields::new(args.tag.trim(), class);
    args.fields.apply(&mut fields);
    check_dates(ctx, &fields)?;
    check_cost(ctx, args.fields.cost, &fields)?;
    let mut conn = ctx.open()?;
    let org = store::resolve_organisation(&conn, args.org.as_deref())?;
    let actor = ctx.actor();
    let id = db::write(&mut conn, |tx| {
        store::insert_asset(tx, &org, &fields, false, &actor)
    })
    .with_context(|| format!("failed to add asset {}", fields.asset_tag))?;
    let asset = store::asset_by_id(&conn, id)?;
    ctx.out.done(
        &format!(
            "added {} {} to {}",
            class.label(),
            fields.asset_tag,
            org.code
        ),
        &asset,
    )
}

/// Refuses a cost given on the command line that is almost certainly a slip
/// (over £10,000,000) unless `--force`, as import does.
fn check_cost(ctx: &Ctx, given: Option<Money>, f: &AssetFields) -> Result<()> {
    match given {
        Some(cost) => ctx.unless_forced(estate::domain::rules::likely_cost(
            &format!("asset {}: a cost", f.asset_tag),
            cost,
        )),
        None => Ok(()),
    }
}

/// Refuses in-service dates in the future or before 1980, as import does.
fn check_dates(ctx: &Ctx, f: &AssetFields) -> Result<()> {
    if let Some(d) = f.in_service_date {
        if d > ctx.today {
            bail!(
                "asset {}: the purchase date {} is in the future",
                f.asset_tag,
                iso(d)
            );
        }
        if d.year() < 1980 {
            bail!(
                "asset {}: the purchase date {} is before 1980",
                f.asset_tag,
                iso(d)
            );
        }
    }
    Ok(())
}

/// The columns of `estate list`.
fn asset_view(assets: &[Asset]) -> View {
    let mut view = View::new(&[
        "org",
        "tag",
        "class",
        "manufacturer",
        "model",
        "serial",
        "site",
        "in service",
        "cost",
        "status",
    ]);
    for a in assets {
        let f = &a.fields;
        view.push(vec![
            Cell::text(&a.organisation),
            Cell::text(&f.asset_tag),
            Cell::text(f.class.as_str()),
            Cell::opt(f.manufacturer.as_ref()),
            Cell::opt(f.model.as_ref()),
            Cell::opt(f.serial.as_ref()),
            Cell::opt(f.site.as_ref()),
            Cell::opt(f.in_service_date.map(iso)),
            Cell::money_opt(f.purchase_cost),
            Cell::text(f.status.as_str()),
        ]);
    }
    view
}

/// `estate list`.
pub fn list(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let conn = ctx.open_read()?;
    let organisation = match &args.org {
        Some(code) => Some(store::resolve_organisation(&conn, Some(code))?.code),
        None => None,
    };
    let filter = AssetFilter {
        organisation,
        class: args.class.as_deref().map(parse_class).transpose()?,
        site: args.site.clone(),
        status: args.status,
    };
    let assets = store::list_assets(&conn, &filter)?;
    ctx.out.listing(&asset_view(&assets), &assets)?;
    if ctx.out.format == estate::report::Format::Table && !assets.is_empty() {
        let total: Money = assets.iter().filter_map(|a| a.fields.purchase_cost).sum();
        ctx.out
            .message(&format!("{} assets, purchase cost {total}", assets.len()));
    }
    Ok(())
}

#[derive(Serialize)]
struct Shown<'a> {
    asset: &'a Asset,
    disposal: Option<Disposal>,
    history: Vec<estate::register::AuditEntry>,
}

/// `estate show`.
pub fn show(ctx: &Ctx, args: &ShowArgs) -> Result<()> {
    let conn = ctx.open_read()?;
    let org = store::resolve_organisation(&conn, args.org.as_deref())?;
    let asset = store::require_asset(&conn, &org, &args.key)?;
    let disposal = store::disposal_of(&conn, asset.id)?;
    let history = store::history(&conn, Entity::Asset, asset.id.0)?;
    if ctx.out.format == estate::report::Format::Json {
        return ctx.out.listing(
            &View::default(),
            &Shown {
                asset: &asset,
                disposal,
                history,
            },
        );
    }
    let mut record = View::new(&["field", "value"]);
    record.push(vec![
        Cell::text("organisation"),
        Cell::text(&asset.organisation),
    ]);
    for (name, value) in asset.fields.field_values() {
        record.push(vec![
            Cell::text(name),
            Cell::text(value.unwrap_or_default()),
        ]);
    }
    if let Some(d) = &disposal {
        record.push(vec![Cell::text("disposed on"), Cell::text(iso(d.date))]);
        record.push(vec![
            Cell::text("disposal method"),
            Cell::text(d.method.as_str()),
        ]);
        record.push(vec![
            Cell::text("certificate"),
            Cell::opt(d.certificate.as_ref()),
        ]);
        record.push(vec![
            Cell::text("contractor"),
            Cell::opt(d.contractor.as_ref()),
        ]);
        record.push(vec![Cell::text("proceeds"), Cell::money_opt(d.proceeds)]);
    }
    let mut trail = View::new(&["when", "who", "action", "field", "old", "new", "by"]);
    for e in &history {
        let by = match e.batch_id {
            Some(b) => format!("{} (batch {b})", e.command),
            None => e.command.clone(),
        };
        trail.push(vec![
            Cell::text(e.at.replace('T', " ").trim_end_matches('Z')),
            Cell::text(&e.who),
            Cell::text(&e.action),
            Cell::opt(e.field.as_ref()),
            Cell::opt(e.old_value.as_ref()),
            // An insert's new value is the whole record as JSON: too wide for a
            // terminal (it is in full in --format json and csv).
            if e.action == "insert" && ctx.out.format == estate::report::Format::Table {
                Cell::text("(record created)")
            } else {
                Cell::opt(e.new_value.as_ref())
            },
            Cell::text(by),
        ]);
    }
    ctx.out.listing(&record, &asset)?;
    if ctx.out.format == estate::report::Format::Table {
        ctx.out.data("\nhistory\n")?;
    }
    ctx.out.listing(&trail, &history)
}

/// `estate update`.
pub fn update(ctx: &Ctx, args: &UpdateArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let org = store::resolve_organisation(&conn, args.org.as_deref())?;
    let current = store::require_asset(&conn, &org, &args.key)?;
    let mut fields = current.fields.clone();
    if let Some(class) = &args.class {
        fields.class = parse_class(class)?;
    }
    if let Some(tag) = &args.tag {
        fields.asset_tag = tag.trim().to_string();
    }
    for name in &args.clear {
        clear_field(&mut fields, name)?;
    }
    args.fields.apply(&mut fields);
    if args.fields.purchase_date.is_some() {
        check_dates(ctx, &fields)?;
    }
    check_cost(ctx, args.fields.cost, &fields)?;
    let actor = ctx.actor();
    let changes = db::write(&mut conn, |tx| {
        store::update_asset(tx, &org, &current, &fields, false, &actor)
    })
    .with_context(|| format!("failed to update asset {}", current.fields.asset_tag))?;
    let text = if changes.is_empty() {
        format!("asset {} unchanged", current.fields.asset_tag)
    } else {
        let list: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} -> {}",
                    c.field,
                    c.old.as_deref().unwrap_or("(empty)"),
                    c.new.as_deref().unwrap_or("(empty)")
                )
            })
            .collect();
        format!(
            "updated {} in {}: {}",
            fields.asset_tag,
            org.code,
            list.join("; ")
        )
    };
    ctx.out.done(&text, &changes)
}

fn clear_field(f: &mut AssetFields, name: &str) -> Result<()> {
    match estate::domain::enums::normalise_word(name).as_str() {
        "serial" => f.serial = None,
        "manufacturer" => f.manufacturer = None,
        "model" => f.model = None,
        "site" => f.site = None,
        "department" => f.department = None,
        "user" | "assigned_user" => f.assigned_user = None,
        "purchase_date" | "in_service_date" => f.in_service_date = None,
        "cost" | "purchase_cost" => f.purchase_cost = None,
        "supplier" => f.supplier = None,
        "order_ref" => f.order_ref = None,
        "warranty_end" => f.warranty_end = None,
        "lease_end" => f.lease_end = None,
        "life" | "life_years" => f.life_years = None,
        "power" => {
            f.power_watts = None;
            f.power_hours_per_year = None;
            f.power_kwh_per_year = None;
        }
        "notes" => f.notes = None,
        "os" => f.os = None,
        "os_version" => f.os_version = None,
        "firmware" => f.firmware = None,
        "support_end" => f.support_end = None,
        other => bail!(
            "`{other}` cannot be cleared; clearable fields: serial, manufacturer, model, site, \
             department, user, purchase_date, cost, supplier, order_ref, warranty_end, lease_end, \
             life, power, notes, os, os_version, firmware, support_end"
        ),
    }
    Ok(())
}

/// `estate dispose`.
pub fn dispose(ctx: &Ctx, args: &DisposeArgs) -> Result<()> {
    if let Some(key) = &args.undo {
        return undo_disposal(ctx, args, key);
    }
    let (Some(key), Some(method), Some(date)) = (&args.key, args.method, args.date) else {
        bail!("give the asset, --method and --date (or --undo TAG --reason \"why\")");
    };
    if date > ctx.today {
        bail!("the disposal date {} is in the future", iso(date));
    }
    let mut conn = ctx.open()?;
    let org = store::resolve_organisation(&conn, args.org.as_deref())?;
    let asset = store::require_asset(&conn, &org, key)?;
    let disposal = Disposal {
        date,
        method,
        certificate: args.certificate.clone(),
        contractor: args.contractor.clone(),
        proceeds: args.proceeds,
        notes: args.notes.clone(),
    };
    let actor = ctx.actor();
    db::write(&mut conn, |tx| {
        store::dispose_asset(tx, &org, &asset, &disposal, &actor)
    })
    .with_context(|| format!("failed to dispose of asset {}", asset.fields.asset_tag))?;
    ctx.out.done(
        &format!(
            "disposed of {} ({}) on {} by {}{}",
            asset.fields.asset_tag,
            org.code,
            iso(date),
            method,
            args.certificate
                .as_ref()
                .map(|c| format!(", certificate {c}"))
                .unwrap_or_default()
        ),
        &disposal,
    )
}

/// `estate dispose --undo TAG --reason …`.
fn undo_disposal(ctx: &Ctx, args: &DisposeArgs, key: &str) -> Result<()> {
    let mut conn = ctx.open()?;
    let org = store::resolve_organisation(&conn, args.org.as_deref())?;
    let asset = store::require_asset(&conn, &org, key)?;
    let reason = args.reason.as_deref().unwrap_or_default();
    let actor = ctx.actor();
    let reversed = db::write(&mut conn, |tx| {
        store::undo_disposal(tx, &org, &asset, reason, &actor)
    })
    .with_context(|| {
        format!(
            "failed to reverse the disposal of asset {}",
            asset.fields.asset_tag
        )
    })?;
    ctx.out.done(
        &format!(
            "reversed the disposal of {} ({}){}; its status is {} again",
            asset.fields.asset_tag,
            org.code,
            reversed
                .disposal
                .as_ref()
                .map(|d| format!(" on {} by {}", iso(d.date), d.method))
                .unwrap_or_default(),
            reversed.status
        ),
        &reversed,
    )
}

/// Reads an asset tag: anything but blank.
fn asset_tag(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("an asset tag cannot be blank".into())
    } else {
        Ok(text.to_string())
    }
}
