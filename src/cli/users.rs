//! `estate users`: the accounts of people who use estate in a browser or
//! through its API (`estate serve`): add, list, disable, reset, token.
//! A password is read from the terminal without echo, or from stdin with
//! `--password-stdin`; otherwise estate makes a one-time password and
//! prints it once. Tokens and one-time passwords are printed once and
//! never stored (only their hashes).

use std::io::{BufRead, IsTerminal};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use estate::accounts::Role;
use estate::ops::accounts;
use estate::views::users_view;

use super::Ctx;

/// Flags of `estate users`.
#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub command: Option<UsersCommand>,
}

/// `estate users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add an account. On a terminal the password is asked for (twice, not
    /// shown); otherwise estate makes a one-time password and prints it once.
    #[command(
        after_help = "Examples:\n  estate users add alice --role admin\n  printf '%s\\n' \"$PASSWORD\" | estate users add bob --role viewer --password-stdin"
    )]
    Add {
        /// The account name (what the person types to sign in).
        name: String,
        /// viewer (reads and downloads), editor (also imports and edits) or
        /// admin (also accounts, policy and settings).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
        /// Make a one-time password and print it, even on a terminal.
        #[arg(long, conflicts_with = "password_stdin")]
        one_time: bool,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer sign in, its sessions end and its
    /// API tokens stop working (`users reset` enables it again).
    Disable {
        /// The account name.
        name: String,
    },
    /// Give an account a new one-time password (printed once) and enable it.
    Reset {
        /// The account name.
        name: String,
    },
    /// Make a new API token for an account (printed once; stored hashed).
    Token {
        /// The account name.
        name: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse().map_err(|e: estate::Error| e.to_string())
}

/// Runs `estate users`.
pub fn run(ctx: &Ctx, args: &UsersArgs) -> Result<()> {
    let Some(command) = &args.command else {
        return list(ctx);
    };
    match command {
        UsersCommand::List => list(ctx),
        UsersCommand::Add {
            name,
            role,
            password_stdin,
            one_time,
        } => {
            let password = if *password_stdin {
                Some(read_stdin_password()?)
            } else if !*one_time && std::io::stdin().is_terminal() {
                Some(ask_password(name)?)
            } else {
                None
            };
            let added = accounts::add(
                &mut ctx.register()?,
                name,
                *role,
                password.as_deref(),
                &ctx.actor(),
            )?;
            ctx.out
                .message(&format!("added {} ({})", added.user.name, added.user.role));
            if let Some(p) = added.one_time_password {
                ctx.out.message(
                    "one-time password (shown once; they choose their own when they first sign in):",
                );
                ctx.out.data(&format!("{p}\n"))?;
            }
            Ok(())
        }
        UsersCommand::Disable { name } => {
            let user = accounts::disable(&mut ctx.register()?, name, &ctx.actor())?;
            ctx.out.done(
                &format!(
                    "disabled {}: its sessions and API tokens have ended",
                    user.name
                ),
                &user,
            )
        }
        UsersCommand::Reset { name } => {
            let password = accounts::reset(&mut ctx.register()?, name, &ctx.actor())?;
            ctx.out
                .message(&format!("{name} has a new one-time password (shown once):"));
            ctx.out.data(&format!("{password}\n"))
        }
        UsersCommand::Token { name } => {
            let token = accounts::new_token(&mut ctx.register()?, name, &ctx.actor())?;
            ctx.out.message(&format!(
                "a new API token for {name} (shown once; send it as `Authorization: Bearer TOKEN`):"
            ));
            ctx.out.data(&format!("{token}\n"))
        }
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let users = accounts::list(&ctx.register_to_read()?)?;
    ctx.out.listing(&users_view(&users), &users)
}

fn read_stdin_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("--password-stdin: no password on stdin");
    }
    Ok(password)
}

fn ask_password(name: &str) -> Result<String> {
    let first = rpassword::prompt_password(format!("password for {name}: "))?;
    let again = rpassword::prompt_password("the same again: ")?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}
