//! `estate licences`: renewals by year (payable and annualised),
//! compliance, consolidation and standardisation, and adding and listing
//! the register's entitlements.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::{AgreementType, BudgetType, CostBasis, LicenceMetric, Money};
use estate::forecast::licences::LicencesForecast;
use estate::ops;
use estate::register::LicenceFields;
use estate::views::licences_view;
use time::Date;

use estate::report::running::{
    basis_word, compliance_view, consolidation_view, count, renewals_view, standardise_view,
};

use super::running::HorizonFlags;
use super::{Ctx, parse_date, parse_money};

/// Flags of `estate licences`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LicencesArgs {
    #[command(subcommand)]
    pub command: Option<LicencesCommand>,
    #[command(flatten)]
    pub horizon: HorizonFlags,
}

/// What to do with licences (none: renewals by year).
#[derive(Debug, Subcommand)]
pub enum LicencesCommand {
    /// Entitled against deployed per product: shelfware and shortfall, with their cost.
    Compliance(HorizonFlags),
    /// The saving from moving every seat of a product to the cheapest (or a target) agreement.
    #[command(
        long_about = "Groups the entitlements of one product (names normalised through \
data/licences/product-synonyms.csv) held under different agreements or by different organisations, and \
works out the saving from moving every seat to the cheapest price held — or to the agreement given with \
--target — per year, and on the price basis (e.g. a month) when every entitlement shares one.",
        after_help = "Example:\n  estate licences consolidation --target \"EA 8841203\""
    )]
    Consolidation(ConsolidationArgs),
    /// Different products doing the same job (same category), with their combined cost.
    Standardise(HorizonFlags),
    /// List the register's licence entitlements.
    List {
        /// Only this organisation's entitlements.
        #[arg(long)]
        org: Option<String>,
    },
    /// Add a licence entitlement to the register.
    #[command(
        after_help = "Example:\n  estate licences add \"Microsoft 365 E3\" --metric per_user --quantity 600 \\\n      --unit-cost 20.40 --basis monthly --agreement \"EA 8841203\" --org AVN"
    )]
    Add(AddLicenceArgs),
}

/// Flags of `estate licences consolidation`.
#[derive(Debug, Args)]
pub struct ConsolidationArgs {
    /// Move every seat to this agreement's price instead of the cheapest.
    #[arg(long, value_name = "AGREEMENT")]
    pub target: Option<String>,
    #[command(flatten)]
    pub horizon: HorizonFlags,
}

/// Flags of `estate licences add`.
#[derive(Debug, Args)]
pub struct AddLicenceArgs {
    /// The product, as the agreement names it.
    pub product: String,
    /// per_user, per_device, per_core or site.
    #[arg(long)]
    pub metric: LicenceMetric,
    /// How many are held.
    #[arg(long)]
    pub quantity: u32,
    /// Cost per licence on the basis, ex VAT.
    #[arg(long, value_parser = parse_money, value_name = "AMOUNT")]
    pub unit_cost: Money,
    /// monthly, annual or one_off.
    #[arg(long)]
    pub basis: CostBasis,
    /// The agreement's name or number.
    #[arg(long, default_value = "")]
    pub agreement: String,
    /// enterprise_agreement, csp, perpetual, subscription, maintenance or other.
    #[arg(long, default_value = "other")]
    pub agreement_type: AgreementType,
    /// Vendor.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Start date.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub start: Option<Date>,
    /// End (renewal) date.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub end: Option<Date>,
    /// revenue or capital.
    #[arg(long, default_value = "revenue")]
    pub budget: BudgetType,
    /// For per-device licences: the classes covered, e.g. desktop,laptop.
    #[arg(long, value_name = "CLASSES")]
    pub covers: Option<String>,
    /// Category for standardisation, e.g. antivirus.
    #[arg(long)]
    pub category: Option<String>,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
}

/// Runs `estate licences`.
pub fn run(ctx: &Ctx, args: &LicencesArgs) -> Result<()> {
    match &args.command {
        None => {
            let f = compute(ctx, &args.horizon, None)?;
            ctx.out.listing(&renewals_view(&f), &f)
        }
        Some(LicencesCommand::Compliance(h)) => {
            let f = compute(ctx, h, None)?;
            ctx.out.listing(&compliance_view(&f), &f.compliance)
        }
        Some(LicencesCommand::Consolidation(c)) => {
            let f = compute(ctx, &c.horizon, c.target.clone())?;
            ctx.out.listing(&consolidation_view(&f), &f.consolidation)?;
            for c in &f.consolidation {
                let basis = match (c.common_basis, c.saving_on_basis) {
                    (Some(CostBasis::Monthly), Some(m)) => format!("{m} a month, "),
                    _ => String::new(),
                };
                ctx.out.message(&format!(
                    "{}: moving all {} seats to {} {} ({} {}) saves {basis}{} a year",
                    c.product,
                    count(c.seats).text,
                    c.target_organisation,
                    c.target_agreement,
                    c.target_unit_cost,
                    basis_word(c.target_basis),
                    c.saving_per_year
                ));
            }
            Ok(())
        }
        Some(LicencesCommand::Standardise(h)) => {
            let f = compute(ctx, h, None)?;
            ctx.out.listing(&standardise_view(&f), &f.standardisation)
        }
        Some(LicencesCommand::List { org }) => list(ctx, org.as_deref()),
        Some(LicencesCommand::Add(a)) => add(ctx, a),
    }
}

fn compute(ctx: &Ctx, h: &HorizonFlags, target: Option<String>) -> Result<LicencesForecast> {
    Ok(ops::running::licences(
        &ctx.register_to_read()?,
        &h.request(ctx)?,
        target,
    )?)
}

fn list(ctx: &Ctx, org: Option<&str>) -> Result<()> {
    let held = ops::running::list_licences(&ctx.register_to_read()?, org)?;
    ctx.out.listing(&licences_view(&held), &held)
}

fn add(ctx: &Ctx, a: &AddLicenceArgs) -> Result<()> {
    let fields = LicenceFields {
        product: a.product.trim().to_string(),
        vendor: a.vendor.clone(),
        agreement: a.agreement.trim().to_string(),
        agreement_type: a.agreement_type,
        metric: a.metric,
        quantity: a.quantity,
        unit_cost: a.unit_cost,
        cost_basis: a.basis,
        start_date: a.start,
        end_date: a.end,
        budget: a.budget,
        covers_classes: a.covers.clone(),
        category: a.category.clone(),
        notes: None,
    };
    ops::running::check_licence(&fields, ctx.slips())?;
    let org = ops::running::add_licence(
        &mut ctx.register()?,
        a.org.as_deref(),
        &fields,
        (ctx.slips(), &ctx.actor()),
    )?;
    ctx.out.done(
        &format!(
            "added {} × {} ({}) to {org}",
            fields.quantity, fields.product, fields.metric
        ),
        &fields,
    )
}
