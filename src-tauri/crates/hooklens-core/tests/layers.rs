//! The core's layers, bottom to top; nothing may import a layer above its
//! own (the README's map of the code names them). Read from the `crate::` paths in
//! each module's source, test code left out.
//!
//! An import that runs upward fails this test unless `KNOWN_UPWARD` lists
//! it (it is empty), and a listed one that no longer occurs fails it too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer. `wire`, `json` and
/// `signature` are the hooklens-signature crate, re-exported under those
/// names: the compiler keeps them below everything here (see
/// `the_signature_engine_depends_on_no_database_server_or_runtime`).
const LAYERS: &[(&str, u8)] = &[
    // What a request is made of, the clock, bounded JSON reading (the
    // engine crate), and the configuration file.
    ("wire", 1),
    ("json", 1),
    ("config", 1),
    // The signature engine (the engine crate).
    ("signature", 2),
    // Plain types with their TypeScript derives.
    ("model", 3),
    // Presets, the search language, which headers carry secrets.
    ("providers", 4),
    ("query", 4),
    // Response rules: conditions, sequences, chance, templates (pure).
    ("rules", 4),
    ("secret_headers", 4),
    // Formats requests travel in (import, export): pure reading and the
    // bundle's line types.
    ("formats", 4),
    // SQLite only.
    ("store", 5),
    // The use cases over store and providers.
    ("verdict", 6),
    ("resend", 6),
    ("capture", 6),
    ("intake", 6),
    ("import", 6),
    ("detail", 6),
    ("export", 6),
    ("tunnel", 6),
    // What crosses to the UI: the bindings list, every error's payload.
    ("api", 7),
];

/// Upward imports tolerated for now, as (from, to): none are left. Keep it
/// empty; an entry is a debt with a reason beside it.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

fn layer(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The module a file belongs to: its first path component under `src/`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

/// The modules a piece of source names through `crate::`, with the line:
/// `crate::store::X`, and each item of `use crate::{api::A, store};`.
fn named_modules(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.extend(first_segment(&item).map(|m| (m, line)));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            found.extend(first_segment(&item).map(|m| (m, line)));
        } else {
            found.extend(first_segment(rest).map(|m| (m, line)));
        }
    }
    found
}

fn first_segment(path: &str) -> Option<String> {
    let name: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// The file's code without its `#[cfg(test)]` items (a test may import
/// anything).
fn without_tests(code: &str) -> String {
    let mut kept = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = match after.find(['{', ';']) {
            Some(open) if after.as_bytes()[open] == b'{' => item_end(after, open),
            Some(semicolon) => semicolon + 1,
            None => after.len(),
        };
        // Line breaks stay, so lines reported are the file's own.
        kept.extend(after[..end].chars().filter(|c| *c == '\n'));
        rest = &after[end..];
    }
    kept.push_str(rest);
    kept
}

/// Where the block opening at `open` closes, skipping braces inside string,
/// raw string and char literals (JSON in test strings is full of them).
fn item_end(code: &str, open: usize) -> usize {
    let bytes = code.as_bytes();
    // Whether a literal may start at `j` (not inside an identifier).
    let starts =
        |j: usize| j == 0 || !(bytes[j - 1].is_ascii_alphanumeric() || bytes[j - 1] == b'_');
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#'))
                && (starts(i) || (bytes[i - 1] == b'b' && starts(i - 1))) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                if bytes.get(i + 1 + hashes) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let from = i + 2 + hashes;
                    i = code[from..]
                        .find(&close)
                        .map_or(bytes.len(), |at| from + at + close.len());
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => {
                i += code[i + 2..].find('\'').map_or(0, |at| at + 2);
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(
        files.len() > 20,
        "read {} files from {}",
        files.len(),
        src.display()
    );

    let mut upward: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let from_layer = layer(&from)
            .unwrap_or_else(|| panic!("{} is in no layer: add `{from}` to LAYERS", file.display()));
        let code = std::fs::read_to_string(file).expect("read source");
        for (to, line) in named_modules(&without_tests(&code)) {
            if to == from {
                continue;
            }
            let Some(to_layer) = layer(&to) else {
                continue;
            };
            if to_layer > from_layer {
                let place = format!(
                    "{}:{line}",
                    file.strip_prefix(&src).unwrap_or(file).display()
                );
                upward.entry((from.clone(), to)).or_default().push(place);
            }
        }
    }

    let known: BTreeSet<(String, String)> = KNOWN_UPWARD
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let new: Vec<String> = upward
        .iter()
        .filter(|(edge, _)| !known.contains(*edge))
        .map(|((from, to), places)| format!("{from} -> {to} at {}", places.join(", ")))
        .collect();
    assert!(
        new.is_empty(),
        "imports that run up a layer (move the code down, or the type to a lower layer):\n{}",
        new.join("\n")
    );
    let gone: Vec<String> = known
        .iter()
        .filter(|edge| !upward.contains_key(*edge))
        .map(|(from, to)| format!("({from:?}, {to:?})"))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer imported upward; take these off KNOWN_UPWARD: {}",
        gone.join(", ")
    );
}

/// The engine crate's dependencies, as its manifest names them: nothing that
/// stores, serves or schedules, so verifying a signature can never touch
/// the database or the network.
#[test]
fn the_signature_engine_depends_on_no_database_server_or_runtime() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hooklens-signature/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("read hooklens-signature/Cargo.toml");
    let dependencies = text
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    let names: Vec<&str> = dependencies
        .lines()
        .filter_map(|line| line.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    assert!(names.contains(&"hmac"), "read no dependencies: {names:?}");
    for banned in [
        "rusqlite",
        "axum",
        "tokio",
        "hyper",
        "reqwest",
        "hooklens-core",
    ] {
        assert!(
            !names.contains(&banned),
            "hooklens-signature depends on {banned}; the engine must stay pure"
        );
    }
}

#[test]
fn test_modules_are_left_out_but_code_after_them_is_read() {
    let code = "use crate::api;\n#[cfg(test)]\nmod tests { use crate::store::{a, b}; const J: &str = \"}}{\"; const R: &str = r#\"\"}\"#; const B: &[u8] = br#\"{\"#; const C: char = '}'; fn f() {} }\nfn g() { crate::query::x(); }\n#[cfg(test)]\nuse crate::capture;\n";
    let names: Vec<String> = named_modules(&without_tests(code))
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(names, ["api", "query"]);
}

#[test]
fn the_reader_finds_grouped_and_nested_imports() {
    let code = "use crate::{api::{A, B}, store, signature::x};\nfn f() { crate::query::parse(); }";
    let names: Vec<String> = named_modules(code).into_iter().map(|(m, _)| m).collect();
    assert_eq!(names, ["api", "store", "signature", "query"]);
}
