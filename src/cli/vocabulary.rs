//! `estate vocabulary`: list the words estate knows (built in, or taught to
//! this register and by whom), teach one, or remove a taught one. This file
//! only turns flags into calls to `estate::ops::vocabulary` and prints.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::ops;
use estate::report;
use estate::vocabulary::{NewWord, WordKind};

use super::Ctx;

/// Flags of `estate vocabulary`.
#[derive(Debug, Args)]
pub struct VocabularyArgs {
    #[command(subcommand)]
    pub command: Option<VocabularyCommand>,
}

/// What to do with the vocabulary (none: list it).
#[derive(Debug, Subcommand)]
pub enum VocabularyCommand {
    /// List the words estate knows, built in and taught (the default).
    List {
        /// Only this kind: class, heading, status, model or placeholder.
        #[arg(value_parser = parse_kind)]
        kind: Option<WordKind>,
        /// Only the words taught to this register.
        #[arg(long)]
        taught: bool,
    },
    /// Teach the register a word, used by every import from now on.
    #[command(
        after_help = "Examples:\n  estate vocabulary add class \"Docking Station\" other\n  estate vocabulary add heading \"Tag No\" asset_tag\n  estate vocabulary add status Repair in_store\n  estate vocabulary add model chromebook laptop\n  estate vocabulary add placeholder \"No tag\""
    )]
    Add {
        /// What kind of word: class, heading, status, model or placeholder.
        #[arg(value_parser = parse_kind)]
        kind: WordKind,
        /// The word as files write it (quote it when it has spaces).
        word: String,
        /// What it means: a class (for class and model words; a model word may add its maker), a
        /// field (for a heading), a status; nothing for a placeholder.
        meaning: Vec<String>,
    },
    /// Forget a word taught to the register.
    Remove {
        /// What kind of word.
        #[arg(value_parser = parse_kind)]
        kind: WordKind,
        /// The word.
        word: String,
    },
}

fn parse_kind(text: &str) -> Result<WordKind, String> {
    text.parse()
}

/// Runs `estate vocabulary`.
pub fn run(ctx: &Ctx, args: &VocabularyArgs) -> Result<()> {
    let mut register = ctx.register()?;
    let (kind, taught) = match &args.command {
        None => (None, false),
        Some(VocabularyCommand::List { kind, taught }) => (*kind, *taught),
        Some(VocabularyCommand::Add {
            kind,
            word,
            meaning,
        }) => {
            let new = NewWord::parse(*kind, word, meaning).map_err(anyhow::Error::msg)?;
            let added = ops::vocabulary::add(&mut register, &new, &ctx.actor())?;
            let means = if added.meaning.is_empty() {
                "a blank cell".to_string()
            } else {
                format!("`{}`", added.meaning)
            };
            return ctx.out.done(
                &format!(
                    "taught the register the {} `{}`: it means {means} in every import from now on",
                    added.kind, added.word
                ),
                &added,
            );
        }
        Some(VocabularyCommand::Remove { kind, word }) => {
            let removed = ops::vocabulary::remove(&mut register, *kind, word, &ctx.actor())?;
            return ctx.out.done(
                &format!(
                    "removed the {} `{}` (it meant `{}`) from the register's vocabulary",
                    removed.kind, removed.word, removed.meaning
                ),
                &removed,
            );
        }
    };
    let words = ops::vocabulary::list(&register, kind, taught)?;
    ctx.out.listing(&report::import::words_view(&words), &words)
}
