//! Two jobs at build time.
//!
//! - Sets `cfg(postgres_tests)` when the PostgreSQL variants of the tests can run: when
//!   `TEST_DATABASE_URL` is set at build time, or under CI (`CI` set), where they must run and
//!   fail without it. Elsewhere they are compiled as ignored, so `cargo test` counts them as
//!   ignored rather than passed.
//! - Embeds `migrations/<backend>/*.sql` in the binary (`$OUT_DIR/migrations.rs`, read by
//!   `src/store/migrations.rs`): sqlx's `migrate!` would do it, but its macros bring a second
//!   build of sqlx and of SQLite's C library into every build.

use std::fmt::Write;
use std::path::Path;

const BACKENDS: [(&str, &str); 2] = [("POSTGRES", "migrations/postgres"), ("SQLITE", "migrations/sqlite")];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("TEST_DATABASE_URL").is_some() || std::env::var_os("CI").is_some() {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    embed_migrations();
}

fn embed_migrations() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut out = String::new();
    for (name, folder) in BACKENDS {
        let dir = Path::new(&root).join(folder);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| {
                entry
                    .expect("a readable folder")
                    .file_name()
                    .into_string()
                    .expect("a UTF-8 name")
            })
            .filter(|file| file.ends_with(".sql"))
            .collect();
        // Their names start with a zero-padded version: in name order is in version order.
        files.sort();
        writeln!(out, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for file in files {
            let path = dir.join(&file);
            writeln!(
                out,
                "    ({:?}, include_str!({:?})),",
                file.trim_end_matches(".sql"),
                path.display()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
