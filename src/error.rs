//! The library's one error type: every module's error converts into
//! [`Error`], which keeps the module's message word for word and adds what a
//! front end needs to act on it: a [`ErrorKind`] (from which the command line
//! picks its exit code and a web server its HTTP status) and, where there is
//! a known fix, a `help:` line.
//!
//! The modules keep their own typed errors (struct variants carrying the
//! context their messages need); this module only classifies them, in one
//! place, so that a new variant is classified where its type is listed
//! below and nowhere else.

use std::fmt;

use crate::db::DbError;

/// What kind of failure an [`Error`] is: what a front end does about it.
///
/// | kind | what | exit code | HTTP status |
/// |---|---|---|---|
/// | `NotFound` | a named record, file or batch is not there | 1 | 404 |
/// | `Invalid` | a value or a file breaks a rule | 1 | 422 |
/// | `Conflict` | the request clashes with what the register holds | 1 | 409 |
/// | `Refused` | the request itself is refused (an output target that is the register, …) | 2 | 400 |
/// | `Io` | a file could not be read or written | 1 | 500 |
/// | `Busy` | another writer held the register past the busy timeout | 3 | 503 |
/// | `Unavailable` | the register cannot be opened, created or changed here | 3 | 503 |
/// | `Damaged` | the register (or a backup) is not a whole estate register | 3 | 500 |
/// | `Database` | any other failure of the database itself | 3 | 500 |
/// | `Internal` | a bug in estate | 1 | 500 |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A named record, file, run or batch is not there.
    NotFound,
    /// A value, option or input file breaks a rule.
    Invalid,
    /// The request clashes with what the register holds (a duplicate, an
    /// asset already disposed of, a batch already undone).
    Conflict,
    /// The request is refused as asked (an output target that is the
    /// register or an input): a usage error, nothing was done.
    Refused,
    /// A file could not be read or written.
    Io,
    /// Another writer held the register for longer than the busy timeout.
    Busy,
    /// The register cannot be opened, created or changed here: missing,
    /// already there, read-only, written by a newer estate.
    Unavailable,
    /// The register (or a file offered as one) is not a whole estate register.
    Damaged,
    /// Any other failure of the database itself.
    Database,
    /// A bug in estate.
    Internal,
}

impl ErrorKind {
    /// The command line's exit code: 1 for data and validation, 2 for
    /// usage (a refused request), 3 for the register or database.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::NotFound
            | ErrorKind::Invalid
            | ErrorKind::Conflict
            | ErrorKind::Io
            | ErrorKind::Internal => 1,
            ErrorKind::Refused => 2,
            ErrorKind::Busy | ErrorKind::Unavailable | ErrorKind::Damaged | ErrorKind::Database => {
                3
            }
        }
    }

    /// The HTTP status a web front end answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::Invalid => 422,
            ErrorKind::Conflict => 409,
            ErrorKind::Refused => 400,
            ErrorKind::Busy | ErrorKind::Unavailable => 503,
            ErrorKind::Io | ErrorKind::Damaged | ErrorKind::Database | ErrorKind::Internal => 500,
        }
    }
}

/// The library's error: a module's error, its kind and any fix.
///
/// Displays exactly as the module's error did, and its `source()` is that
/// error's source, so a front end printing the cause chain prints what it
/// printed before.
pub struct Error {
    kind: ErrorKind,
    help: Option<String>,
    inner: Box<dyn std::error::Error + Send + Sync + 'static>,
}

/// The library's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a plain message (for rules a use case checks
    /// itself).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            help: None,
            inner: message.into().into(),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The fix, when there is one: the text of a `help:` line.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The same error with `help` as its fix.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same error without its fix (when the fix names the register but
    /// the error is about another file, such as a backup being restored).
    #[must_use]
    pub fn without_help(mut self) -> Self {
        self.help = None;
        self
    }

    /// The same error said as the failure of `message` (printed before it,
    /// as `message: error`), keeping its kind and fix.
    #[must_use]
    pub fn context(self, message: impl Into<String>) -> Self {
        Error {
            kind: self.kind,
            help: self.help,
            inner: Box::new(WithContext {
                message: message.into(),
                source: self.inner,
            }),
        }
    }

    /// The module's error inside, if it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.inner.downcast_ref()
    }

    /// The kind and fix of `err` if it is the library's: an [`Error`], or
    /// one of the module errors it is made from. A front end walks its cause
    /// chain with this and takes the first answer (the outermost library
    /// error, which classifies whatever it wraps).
    pub fn classify(
        err: &(dyn std::error::Error + 'static),
    ) -> Option<(ErrorKind, Option<String>)> {
        if let Some(e) = err.downcast_ref::<Error>() {
            return Some((e.kind, e.help.clone()));
        }
        classified::classify(err)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("help", &self.help)
            .field("inner", &self.inner)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

/// What was being done when an error happened, before the error itself.
#[derive(Debug)]
struct WithContext {
    message: String,
    source: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl fmt::Display for WithContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WithContext {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Says what was being done when a library call failed.
pub trait Context<T> {
    /// The error, if any, as the failure of `message`.
    ///
    /// # Errors
    /// The error, with `message` before it.
    fn context(self, message: &str) -> Result<T>;
    /// The error, if any, as the failure of what `message` says.
    ///
    /// # Errors
    /// The error, with the message before it.
    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, message: &str) -> Result<T> {
        self.map_err(|e| e.into().context(message))
    }

    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|e| e.into().context(message()))
    }
}

/// A module error the library classifies: its kind, and its fix if any.
pub trait Classify: std::error::Error + Send + Sync + 'static {
    /// What kind of failure this is.
    fn kind(&self) -> ErrorKind;
    /// The text of a `help:` line, where there is a known fix.
    fn help(&self) -> Option<String> {
        None
    }
}

impl<E: Classify> From<E> for Error {
    fn from(e: E) -> Self {
        Error {
            kind: e.kind(),
            help: e.help(),
            inner: Box::new(e),
        }
    }
}

/// Every module error type, listed once: `classify` tries each.
macro_rules! classified {
    ($($t:ty),* $(,)?) => {
        mod classified {
            #[allow(unused_imports, reason = "the list names each type by its path")]
            use super::*;
            pub(super) fn classify(
                err: &(dyn std::error::Error + 'static),
            ) -> Option<(super::ErrorKind, Option<String>)> {
                $(
                    if let Some(e) = err.downcast_ref::<$t>() {
                        return Some((Classify::kind(e), Classify::help(e)));
                    }
                )*
                None
            }
        }
    };
}

classified!(
    crate::db::DbError,
    crate::register::RegisterError,
    crate::policy::PolicyError,
    crate::policy::store::PolicySetError,
    crate::forecast::store::StoreError,
    crate::forecast::RunError,
    crate::forecast::ForecastError,
    crate::forecast::assumptions::AssumptionsError,
    crate::forecast::snapshot::SnapshotError,
    crate::forecast::power::PowerError,
    crate::forecast::lines::LinesError,
    crate::forecast::levers::LeverError,
    crate::forecast::licences::LicencesError,
    crate::forecast::scenario::ScenarioError,
    crate::import::ImportError,
    crate::vocabulary::store::VocabularyError,
    crate::running::energystar::EnergyStarError,
    crate::domain::asset_class::SynonymsError,
    crate::domain::UnknownValue,
    crate::domain::rules::RuleError,
    crate::domain::rules::Implausible,
    crate::domain::money::MoneyError,
    crate::domain::rate::RateError,
    crate::domain::financial_year::FinancialYearError,
    crate::output_file::Refused,
    crate::report::render::RenderError,
    rusqlite::Error,
    std::io::Error,
);

impl Classify for DbError {
    fn kind(&self) -> ErrorKind {
        match self {
            DbError::NotFound { .. }
            | DbError::NoSuchFile { .. }
            | DbError::AlreadyExists { .. }
            | DbError::BackupExists { .. }
            | DbError::Create { .. }
            | DbError::Unreadable { .. }
            | DbError::Open { .. }
            | DbError::NewerSchema { .. }
            | DbError::Migrate { .. }
            | DbError::ReadOnly { .. } => ErrorKind::Unavailable,
            DbError::NotARegister { .. } | DbError::Damaged { .. } => ErrorKind::Damaged,
            DbError::Busy => ErrorKind::Busy,
            DbError::Sqlite(_) => ErrorKind::Database,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            DbError::NotFound { .. } => Some(
                "run `estate init` to create a register here, or point --db (or ESTATE_DB) at \
                 yours"
                    .into(),
            ),
            DbError::AlreadyExists { .. } => {
                Some("use that register, or give --db with a new file name".into())
            }
            DbError::Damaged { .. } | DbError::NotARegister { .. } => Some(
                "if this file was your register, put a backup in its place with `estate restore \
                 BACKUP` (`estate check` lists what is wrong); otherwise point --db at your \
                 register"
                    .into(),
            ),
            DbError::ReadOnly { .. } => Some(
                "commands that only read (list, show, forecast, report, check …) still work here; \
                 to change the register, get write access to its folder or work on a copy in a \
                 folder you can write"
                    .into(),
            ),
            DbError::Busy => Some(
                "another estate command is writing; run this again when it has finished".into(),
            ),
            _ => None,
        }
    }
}

impl Classify for rusqlite::Error {
    fn kind(&self) -> ErrorKind {
        if crate::db::is_busy(self) {
            ErrorKind::Busy
        } else {
            ErrorKind::Database
        }
    }

    fn help(&self) -> Option<String> {
        Classify::help(&DbError::Busy).filter(|_| crate::db::is_busy(self))
    }
}

impl Classify for std::io::Error {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Io
    }
}

impl Classify for crate::output_file::Refused {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Refused
    }

    fn help(&self) -> Option<String> {
        Some(self.help.clone())
    }
}

/// Errors that are always one kind.
macro_rules! all_of_kind {
    ($kind:ident: $($t:ty),* $(,)?) => {
        $(impl Classify for $t {
            fn kind(&self) -> ErrorKind {
                ErrorKind::$kind
            }
        })*
    };
}

all_of_kind!(Invalid:
    crate::domain::asset_class::SynonymsError,
    crate::domain::UnknownValue,
    crate::domain::rules::RuleError,
    crate::domain::rules::Implausible,
    crate::domain::money::MoneyError,
    crate::domain::rate::RateError,
    crate::domain::financial_year::FinancialYearError,
    crate::forecast::assumptions::AssumptionsError,
    crate::forecast::power::PowerError,
    crate::forecast::levers::LeverError,
);

impl Classify for crate::register::RegisterError {
    fn kind(&self) -> ErrorKind {
        use crate::register::RegisterError as E;
        match self {
            E::UnknownOrganisation { .. }
            | E::NoOrganisations
            | E::UnknownSite { .. }
            | E::UnknownDepartment { .. }
            | E::NoSuchAsset { .. }
            | E::NothingToForget => ErrorKind::NotFound,
            E::DuplicateOrganisation { .. }
            | E::DuplicateName { .. }
            | E::DuplicateTag { .. }
            | E::DuplicateSerial { .. }
            | E::DuplicateLine { .. }
            | E::AlreadyDisposed { .. }
            | E::DisposedOnlyByDispose { .. }
            | E::DisposedUntilReversed { .. }
            | E::NotDisposed { .. } => ErrorKind::Conflict,
            E::OrganisationRequired { .. }
            | E::BadOrganisationCode { .. }
            | E::NotSharedService { .. }
            | E::Invalid(_) => ErrorKind::Invalid,
            E::Db(e) => e.kind(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            crate::register::RegisterError::Db(e) => e.help(),
            other => crate::register::RegisterError::help(other),
        }
    }
}

impl Classify for crate::policy::PolicyError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::policy::PolicyError::Io { .. } => ErrorKind::Io,
            _ => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::policy::store::PolicySetError {
    fn kind(&self) -> ErrorKind {
        use crate::policy::store::PolicySetError as E;
        match self {
            E::Invalid(_) => ErrorKind::Invalid,
            E::Db(e) => e.kind(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            crate::policy::store::PolicySetError::Db(e) => e.help(),
            crate::policy::store::PolicySetError::Invalid(_) => None,
        }
    }
}

impl Classify for crate::forecast::store::StoreError {
    fn kind(&self) -> ErrorKind {
        use crate::forecast::store::StoreError as E;
        match self {
            E::Db(e) => e.kind(),
            E::NoSuchRun(_) | E::NotApproved { .. } => ErrorKind::NotFound,
            E::BadValue { .. } | E::CorruptRun { .. } | E::BlankMinute => ErrorKind::Invalid,
            E::Assumptions(e) => e.kind(),
            E::Snapshot(e) => e.kind(),
            E::Register(e) => e.kind(),
            E::Replay(e) => match e {
                crate::forecast::runs::DiffError::Snapshot(e) => e.kind(),
                crate::forecast::runs::DiffError::Forecast(e) => e.kind(),
            },
        }
    }

    fn help(&self) -> Option<String> {
        use crate::forecast::store::StoreError as E;
        match self {
            E::Db(e) => e.help(),
            E::Register(e) => Classify::help(e),
            _ => crate::forecast::store::StoreError::help(self),
        }
    }
}

impl Classify for crate::forecast::RunError {
    fn kind(&self) -> ErrorKind {
        use crate::forecast::RunError as E;
        match self {
            E::Store(e) => e.kind(),
            E::Forecast(e) => e.kind(),
            E::Invalid(e) => e.kind(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            crate::forecast::RunError::Store(e) => Classify::help(e),
            _ => None,
        }
    }
}

impl Classify for crate::forecast::ForecastError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Invalid
    }
}

impl Classify for crate::forecast::snapshot::SnapshotError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::forecast::snapshot::SnapshotError::UnknownOrganisation(_) => ErrorKind::NotFound,
            _ => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::forecast::lines::LinesError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::forecast::lines::LinesError::UnknownOrganisation(_) => ErrorKind::NotFound,
            _ => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::forecast::licences::LicencesError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::forecast::licences::LicencesError::UnknownTarget(_) => ErrorKind::NotFound,
            _ => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::forecast::scenario::ScenarioError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::forecast::scenario::ScenarioError::Unknown { .. } => ErrorKind::NotFound,
            crate::forecast::scenario::ScenarioError::Invalid { .. } => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::running::energystar::EnergyStarError {
    fn kind(&self) -> ErrorKind {
        match self {
            crate::running::energystar::EnergyStarError::Csv { .. } => ErrorKind::Io,
            crate::running::energystar::EnergyStarError::UnknownList { .. } => ErrorKind::Invalid,
        }
    }
}

impl Classify for crate::import::ImportError {
    fn kind(&self) -> ErrorKind {
        use crate::import::ImportError as E;
        match self {
            E::Io { .. } | E::Write { .. } => ErrorKind::Io,
            E::NoSuchSheet { .. } | E::NoSuchBatch(_) => ErrorKind::NotFound,
            E::Changed { .. } | E::AlreadyUndone { .. } | E::UndoRefused { .. } => {
                ErrorKind::Conflict
            }
            E::Internal(_) => ErrorKind::Internal,
            E::Register(e) => e.kind(),
            E::Db(e) => e.kind(),
            _ => ErrorKind::Invalid,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            crate::import::ImportError::Register(e) => Classify::help(e),
            crate::import::ImportError::Db(e) => e.help(),
            _ => None,
        }
    }
}

impl Classify for crate::report::render::RenderError {
    fn kind(&self) -> ErrorKind {
        use crate::report::render::RenderError as E;
        match self {
            E::Xlsx(_) | E::Csv(_) | E::Json(_) | E::Io(_) => ErrorKind::Io,
            E::Chart(_) | E::Docx(_) => ErrorKind::Internal,
        }
    }
}

impl Classify for crate::vocabulary::store::VocabularyError {
    fn kind(&self) -> ErrorKind {
        use crate::vocabulary::store::VocabularyError as E;
        match self {
            E::Exists { .. } => ErrorKind::Conflict,
            E::Missing { .. } => ErrorKind::NotFound,
            E::Db(e) => e.kind(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            crate::vocabulary::store::VocabularyError::Db(e) => e.help(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_busy_register_is_busy_with_its_help() {
        let e = Error::from(crate::forecast::store::StoreError::Register(
            crate::register::RegisterError::Db(DbError::Busy),
        ));
        assert_eq!(e.kind(), ErrorKind::Busy);
        assert_eq!(e.kind().exit_code(), 3);
        assert_eq!(e.kind().http_status(), 503);
        assert!(
            e.help()
                .is_some_and(|h| h.starts_with("another estate command"))
        );
        assert_eq!(e.to_string(), DbError::Busy.to_string());
    }

    #[test]
    fn a_module_error_deep_in_a_chain_is_found_and_classified() {
        let e = crate::register::RegisterError::NoSuchAsset {
            org: "BCW".into(),
            key: "PC-1".into(),
        };
        assert_eq!(
            Error::classify(&e).map(|(k, _)| k),
            Some(ErrorKind::NotFound)
        );
        let plain = std::fmt::Error;
        assert_eq!(Error::classify(&plain).map(|(k, _)| k), None);
    }

    #[test]
    fn any_other_database_failure_is_a_database_error_and_a_file_an_io_error() {
        let sql = Error::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(
            (sql.kind(), sql.kind().exit_code()),
            (ErrorKind::Database, 3)
        );
        assert!(sql.help().is_none());
        let io = Error::from(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!((io.kind(), io.kind().http_status()), (ErrorKind::Io, 500));
    }

    #[test]
    fn context_goes_before_the_message_and_keeps_the_kind_and_fix() {
        let e = Error::from(DbError::Busy).context("failed to change the policy");
        assert_eq!(e.kind(), ErrorKind::Busy);
        assert!(e.help().is_some());
        assert_eq!(e.to_string(), "failed to change the policy");
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some(DbError::Busy.to_string().as_str()));
        let internal = Error::new(ErrorKind::Internal, "a bug");
        assert_eq!(internal.kind().exit_code(), 1);
    }
}
