//! Software licences: agreement types, licence metrics and a licence row →
//! a licence record.

use super::{
    AgreementType, BudgetType, Cells, CostBasis, Field, FromStr, LicenceFields, LicenceMetric,
    LicenceRecord, Parsed, normalise_heading,
};

/// The kind of agreement a statement's words name; `Other` when they name none.
pub(super) fn agreement_type_word(w: &str) -> AgreementType {
    AgreementType::from_str(w).unwrap_or_else(|_| {
        let n = normalise_heading(w);
        if n.contains("enterprise") {
            AgreementType::EnterpriseAgreement
        } else if n.contains("csp") || n.contains("cloud solution") {
            AgreementType::Csp
        } else if n.contains("perpetual") {
            AgreementType::Perpetual
        } else if n.contains("subscription") {
            AgreementType::Subscription
        } else if n.contains("maintenance") || n.contains("support") {
            AgreementType::Maintenance
        } else {
            AgreementType::Other
        }
    })
}

/// A licence metric as statements write it: `Per User`, `User`, `per device
/// per month`, `Per Core`, `Site`, `Unlimited`.
pub(super) fn metric_word(w: &str) -> Option<LicenceMetric> {
    if let Ok(m) = LicenceMetric::from_str(w) {
        return Some(m);
    }
    let n = format!(" {} ", normalise_heading(w));
    if n.contains(" user") {
        Some(LicenceMetric::PerUser)
    } else if n.contains(" device") {
        Some(LicenceMetric::PerDevice)
    } else if n.contains(" core") {
        Some(LicenceMetric::PerCore)
    } else if n.contains(" site ") || n.contains(" unlimited") {
        Some(LicenceMetric::Site)
    } else {
        None
    }
}

pub(super) fn licence(cells: &mut Cells<'_>) -> Parsed {
    let product = cells.text(Field::Product);
    if product.is_none() {
        cells.missing(Field::Product, "no product");
    }
    let vendor = cells
        .text(Field::Vendor)
        .or_else(|| cells.text(Field::Manufacturer));
    let agreement_number = cells.text(Field::Agreement);
    let agreement_words = cells.column(Field::AgreementType).and_then(|c| {
        cells
            .row
            .cells
            .get(c.index)
            .filter(|v| !v.is_blank())
            .map(|v| v.display().trim().to_string())
    });
    // Some statements put the metric ("Per User") in their "Licence Type"
    // column; with no metric column of its own, that is the metric.
    let metric_in_type = if cells.has_column(Field::Metric) {
        None
    } else {
        agreement_words.as_deref().and_then(metric_word)
    };
    // Without an agreement number, the agreement's name identifies it.
    let agreement = agreement_number.or(agreement_words.filter(|_| metric_in_type.is_none()));
    let agreement_type = cells
        .word(Field::AgreementType, |w| Ok(agreement_type_word(w)))
        .or_else(|| {
            // No type column: the agreement's own name may say ("Enterprise
            // Agreement", "Open Value (perpetual)").
            agreement
                .as_deref()
                .map(agreement_type_word)
                .filter(|t| *t != AgreementType::Other)
        });
    let metric = cells
        .word(Field::Metric, |w| {
            metric_word(w).ok_or_else(|| {
                "is not a licence metric; use per user, per device, per core or site".to_string()
            })
        })
        .or(metric_in_type);
    let quantity = cells.whole(Field::Quantity, 10_000_000);
    if quantity.is_none() && !cells.given.has(Field::Quantity) {
        cells.missing(Field::Quantity, "no quantity");
    }
    let unit_cost = cells.cost();
    if unit_cost.is_none() && !cells.given.has(Field::Cost) && !cells.given.has(Field::CostIncVat) {
        cells.missing(Field::Cost, "no unit price");
    }
    let cost_basis = cells.word(Field::CostBasis, |w| {
        CostBasis::from_str(w).or_else(|e| {
            let n = normalise_heading(w);
            if n.contains("month") {
                Ok(CostBasis::Monthly)
            } else if n.contains("annual") || n.contains("year") {
                Ok(CostBasis::Annual)
            } else if n.contains("one off") || n.contains("upfront") || n.contains("perpetual") {
                Ok(CostBasis::OneOff)
            } else {
                Err(e.to_string())
            }
        })
    });
    let start_date = cells
        .date(Field::StartDate, false)
        .or_else(|| cells.date(Field::InServiceDate, false));
    let end_date = cells.date(Field::EndDate, false);
    let budget = cells.word(Field::Budget, |w| {
        BudgetType::from_str(w).map_err(|e| e.to_string())
    });
    let covers_classes = cells.text(Field::CoversClasses);
    let category = cells
        .text(Field::Category)
        .or_else(|| cells.text(Field::Class));
    let organisation = cells.text(Field::Organisation);
    let notes = cells.notes();
    if let Err(e) = crate::domain::rules::dates_in_order(start_date, end_date) {
        cells.missing(Field::EndDate, e.to_string());
    }
    let (Some(product), Some(quantity), Some(unit_cost)) = (product, quantity, unit_cost) else {
        return Parsed::Rejected(Vec::new());
    };
    if !cells.problems.is_empty() {
        return Parsed::Rejected(Vec::new());
    }
    Parsed::Licence(LicenceRecord {
        fields: LicenceFields {
            product,
            vendor,
            agreement: agreement.unwrap_or_default(),
            agreement_type: agreement_type.unwrap_or(AgreementType::Other),
            metric: metric.unwrap_or(LicenceMetric::PerUser),
            quantity,
            unit_cost,
            cost_basis: cost_basis.unwrap_or(CostBasis::Annual),
            start_date,
            end_date,
            budget: budget.unwrap_or(BudgetType::Revenue),
            covers_classes,
            category,
            notes,
        },
        organisation,
        given: cells.given,
    })
}
