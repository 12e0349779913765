//! No module of `src/` or of the domain crate reaches, through `crate::` paths, a module that
//! reaches back to it: the layers the README draws stay layers. Two modules are compared
//! where their paths part (`http::events` against `http::tickets`, `store` against
//! `startup`); comment lines do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module a file holds, as path segments (`src/http/events/mod.rs` is `http::events`).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).expect("a file under the root");
    let mut segments: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        segments.pop();
    }
    segments
}

/// The paths of modules named in `source` (of module `module`), outside comment lines, as
/// paths from the crate's root: `crate::a::b…`, and `super::…` taken from `module`'s parent.
fn crate_paths(module: &[String], source: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for line in source.lines().filter(|line| !line.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find(['c', 's']) {
            let before = rest[..at].chars().next_back();
            let tail = &rest[at..];
            rest = &rest[at + 1..];
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let (mut path, mut named): (Vec<String>, &str) = if let Some(named) = tail.strip_prefix("crate::") {
                (Vec::new(), named)
            } else if tail.starts_with("super::") {
                let mut base = module.to_vec();
                let mut named = tail;
                while let Some(further) = named.strip_prefix("super::") {
                    base.pop();
                    named = further;
                }
                (base, named)
            } else {
                continue;
            };
            let end = named
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(named.len());
            named = &named[..end];
            path.extend(
                named
                    .split("::")
                    .filter(|segment| !segment.is_empty())
                    .map(str::to_owned),
            );
            paths.push(path);
        }
    }
    paths
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Who imports whom, between sibling modules of the crate at `root`.
fn imports(root: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in files {
        let from = module_of(root, &file);
        let source = std::fs::read_to_string(&file).expect("a readable source file");
        for to in crate_paths(&from, &source) {
            let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if shared < from.len() && shared < to.len() {
                edges
                    .entry(from[..=shared].to_vec())
                    .or_default()
                    .insert(to[..=shared].to_vec());
            }
        }
    }
    edges
}

/// A path of imports that comes back to where it started, if there is one.
fn circle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        at: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        trail: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(start) = trail.iter().position(|module| module == at) {
            let mut found: Vec<String> = trail[start..].iter().map(|m| m.join("::")).collect();
            found.push(at.join("::"));
            return Some(found);
        }
        if !done.insert(at.clone()) {
            return None;
        }
        trail.push(at.clone());
        for next in edges.get(at).into_iter().flatten() {
            if let Some(found) = visit(next, edges, trail, done) {
                return Some(found);
            }
        }
        trail.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|module| visit(module, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_of_the_service_or_the_domain_imports_one_that_imports_it_back() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    for root in ["src", "aggregates/src"] {
        let edges = imports(&workspace.join(root));
        assert!(edges.len() > 2, "{root}: the modules were read ({edges:?})");
        assert_eq!(circle(&edges), None, "{root}: an import circle");
    }
}

#[test]
fn a_circle_is_found_where_modules_import_each_other() {
    let edges = BTreeMap::from([
        (vec!["http".to_owned()], BTreeSet::from([vec!["store".to_owned()]])),
        (vec!["store".to_owned()], BTreeSet::from([vec!["startup".to_owned()]])),
        (vec!["startup".to_owned()], BTreeSet::from([vec!["http".to_owned()]])),
    ]);
    assert_eq!(
        circle(&edges),
        Some(vec![
            "http".to_owned(),
            "store".to_owned(),
            "startup".to_owned(),
            "http".to_owned()
        ])
    );
    let source = "use crate::store::Store;\n// crate::startup in a comment\n\
                  let x = crate::http::events::find(1);\nuse super::super::values::Title;";
    let module = ["event".to_owned(), "decide".to_owned(), "tickets".to_owned()];
    assert_eq!(
        crate_paths(&module, source),
        [
            vec!["store", "Store"],
            vec!["http", "events", "find"],
            vec!["event", "values", "Title"]
        ]
        .map(|path| path.into_iter().map(str::to_owned).collect::<Vec<_>>())
    );
}
