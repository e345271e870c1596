//! `estate add`, `list`, `show`, `update` and `dispose`: hardware assets.

use anyhow::{Result, bail};
use clap::Args;
use estate::domain::{AssetStatus, DisposalMethod, Funding, Money, iso};
use estate::ops::assets::{self, AddAsset, AssetChanges, Checks, UpdateAsset};
use estate::register::{AssetFilter, Disposal};
use estate::report::View;
use estate::views::{asset_record_view, asset_view, history_view};
use rust_decimal::Decimal;
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
    /// Processor, e.g. "Intel Core i5-8350U": Windows 10 kit whose processor
    /// runs Windows 11 is upgraded, not replaced, when Windows 10's support
    /// ends (data/support/windows11-processors.csv).
    #[arg(long, value_name = "MODEL")]
    pub cpu: Option<String>,
    /// The last supported day, from a supplier's end-of-life notice; beats
    /// the support data.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub support_end: Option<Date>,
}

impl AssetFlags {
    /// The changes these flags ask for.
    fn changes(&self) -> AssetChanges {
        AssetChanges {
            serial: self.serial.clone(),
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            site: self.site.clone(),
            department: self.department.clone(),
            user: self.user.clone(),
            purchase_date: self.purchase_date,
            cost: self.cost,
            supplier: self.supplier.clone(),
            order_ref: self.order_ref.clone(),
            warranty_end: self.warranty_end,
            funding: self.funding,
            lease_end: self.lease_end,
            status: self.status,
            life: self.life,
            power_watts: self.power_watts,
            power_hours: self.power_hours,
            power_kwh: self.power_kwh,
            notes: self.notes.clone(),
            os: self.os.clone(),
            os_version: self.os_version.clone(),
            firmware: self.firmware.clone(),
            cpu: self.cpu.clone(),
            support_end: self.support_end,
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

/// `estate add`.
pub fn add(ctx: &Ctx, args: &AddArgs) -> Result<()> {
    let request = AddAsset {
        organisation: args.org.clone(),
        class: assets::class(&args.class)?,
        tag: args.tag.clone(),
        fields: args.fields.changes(),
    };
    let asset = assets::add(&mut ctx.register()?, &request, checks(ctx), &ctx.actor())?;
    ctx.out.done(
        &format!(
            "added {} {} to {}",
            asset.fields.class.label(),
            asset.fields.asset_tag,
            asset.organisation
        ),
        &asset,
    )
}

fn checks(ctx: &Ctx) -> Checks {
    Checks {
        today: ctx.today,
        slips: ctx.slips(),
    }
}

/// `estate list`.
pub fn list(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let filter = AssetFilter {
        organisation: args.org.clone(),
        class: args.class.as_deref().map(assets::class).transpose()?,
        site: args.site.clone(),
        status: args.status,
    };
    let assets = assets::list(&ctx.register_to_read()?, &filter)?;
    ctx.out.listing(&asset_view(&assets), &assets)?;
    if ctx.out.format == estate::report::Format::Table && !assets.is_empty() {
        let total: Money = assets.iter().filter_map(|a| a.fields.purchase_cost).sum();
        ctx.out
            .message(&format!("{} assets, purchase cost {total}", assets.len()));
    }
    Ok(())
}

/// `estate show`.
pub fn show(ctx: &Ctx, args: &ShowArgs) -> Result<()> {
    let shown = assets::show(&ctx.register_to_read()?, args.org.as_deref(), &args.key)?;
    if ctx.out.format == estate::report::Format::Json {
        return ctx.out.listing(&View::default(), &shown);
    }
    // An insert's new value is the whole record as JSON: too wide for a
    // terminal (it is in full in --format json and csv).
    let whole_inserts = ctx.out.format != estate::report::Format::Table;
    ctx.out.listing(&asset_record_view(&shown), &shown.asset)?;
    if ctx.out.format == estate::report::Format::Table {
        ctx.out.data("\nhistory\n")?;
    }
    ctx.out
        .listing(&history_view(&shown.history, whole_inserts), &shown.history)
}

/// `estate update`.
pub fn update(ctx: &Ctx, args: &UpdateArgs) -> Result<()> {
    let request = UpdateAsset {
        organisation: args.org.clone(),
        key: args.key.clone(),
        class: args.class.as_deref().map(assets::class).transpose()?,
        tag: args.tag.clone(),
        clear: args.clear.clone(),
        fields: args.fields.changes(),
    };
    let done = assets::update(&mut ctx.register()?, &request, checks(ctx), &ctx.actor())?;
    let text = estate::views::updated_message(&done);
    ctx.out.done(&text, &done.changes)
}

/// `estate dispose`.
pub fn dispose(ctx: &Ctx, args: &DisposeArgs) -> Result<()> {
    if let Some(key) = &args.undo {
        return undo_disposal(ctx, args, key);
    }
    let (Some(key), Some(method), Some(date)) = (&args.key, args.method, args.date) else {
        bail!("give the asset, --method and --date (or --undo TAG --reason \"why\")");
    };
    let disposal = Disposal {
        date,
        method,
        certificate: args.certificate.clone(),
        contractor: args.contractor.clone(),
        proceeds: args.proceeds,
        notes: args.notes.clone(),
    };
    assets::check_disposal(&disposal, ctx.today)?;
    let (org, tag) = assets::dispose(
        &mut ctx.register()?,
        args.org.as_deref(),
        key,
        &disposal,
        checks(ctx),
        &ctx.actor(),
    )?;
    ctx.out.done(
        &format!(
            "disposed of {tag} ({org}) on {} by {}{}",
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
    let reason = args.reason.as_deref().unwrap_or_default();
    let (org, tag, reversed) = assets::undo_disposal(
        &mut ctx.register()?,
        args.org.as_deref(),
        key,
        reason,
        &ctx.actor(),
    )?;
    ctx.out.done(
        &format!(
            "reversed the disposal of {tag} ({org}){}; its status is {} again",
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
