//! Import from the window: a pasted request, previewed as it is typed and
//! then stored the way `hooklens-cli import -` stores it.

use std::io::Cursor;
use std::sync::atomic::AtomicBool;

use hooklens_core::formats::{self, Format};
use hooklens_core::import::{self as core_import, ImportOutcome, ImportSpec};
use hooklens_core::model::{ErrorKind, ErrorPayload};
use hooklens_core::store::now_ns;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::AppState;

/// Entries a preview describes; the rest are only counted.
const PREVIEW_ENTRIES: usize = 50;
/// Problems a preview lists.
const PREVIEW_PROBLEMS: usize = 50;
/// Entries a preview reads at most, so a pasted HAR of a million entries
/// cannot hold the preview up; past it the count says "more".
const PREVIEW_READ: u64 = 10_000;

/// What `preview_import` reads the text as.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewImportArgs {
    pub text: String,
    /// None: detected from the text.
    pub format: Option<Format>,
}

/// One request an import of the text would create.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewEntry {
    /// Its position in the source (1-based).
    #[ts(type = "number")]
    pub entry: u64,
    pub method: String,
    /// The request target as given: a path, or a whole URL.
    pub target: String,
    #[ts(type = "number")]
    pub body_bytes: u64,
    /// What the reader noticed (e.g. a Content-Length the body disagrees with).
    pub warnings: Vec<String>,
}

/// What importing a text would do, without doing it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The format read: the one asked for, or the one detected; None when
    /// the text is empty or its format cannot be told.
    pub format: Option<Format>,
    /// The first requests, in order.
    pub entries: Vec<PreviewEntry>,
    /// Why entries cannot be read, with their positions ("entry 2 (line 9):
    /// …"), or why nothing can; the first few.
    pub problems: Vec<String>,
    /// Requests that would be created (entries read without an error).
    #[ts(type = "number")]
    pub total: u64,
    /// Entries that cannot be read.
    #[ts(type = "number")]
    pub failed: u64,
    /// Reading stopped before the end: there are more than `total`.
    pub more: bool,
}

/// Reads `text` as `format` (or the format detected) and describes what an
/// import would create. Nothing is stored.
pub fn preview(text: &str, format: Option<Format>) -> ImportPreview {
    let mut preview = ImportPreview {
        format: None,
        entries: Vec::new(),
        problems: Vec::new(),
        total: 0,
        failed: 0,
        more: false,
    };
    if text.trim().is_empty() {
        return preview;
    }
    let Some(format) = format.or_else(|| formats::detect::detect(text.as_bytes())) else {
        preview
            .problems
            .push("cannot tell the format of this text; choose it above".to_owned());
        return preview;
    };
    preview.format = Some(format);
    let input = Box::new(Cursor::new(text.as_bytes()));
    for (read, item) in formats::read(format, input, None).enumerate() {
        if read as u64 >= PREVIEW_READ {
            preview.more = true;
            break;
        }
        match item {
            Ok(incoming) => {
                preview.total += 1;
                if preview.entries.len() < PREVIEW_ENTRIES {
                    preview.entries.push(PreviewEntry {
                        entry: incoming.entry,
                        method: incoming.method,
                        target: incoming.target,
                        body_bytes: incoming.body.len() as u64,
                        warnings: incoming.warnings,
                    });
                }
            }
            Err(error) => {
                preview.failed += 1;
                if preview.problems.len() < PREVIEW_PROBLEMS {
                    preview.problems.push(error.to_string());
                }
            }
        }
    }
    preview
}

/// Describes what importing `text` would create, as the user types it.
#[tauri::command]
pub async fn preview_import(args: PreviewImportArgs) -> Result<ImportPreview, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(move || preview(&args.text, args.format))
        .await
        .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))
}

/// What `import_text` imports and how it marks it.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportTextArgs {
    pub text: String,
    /// None: detected from the text.
    pub format: Option<Format>,
    /// Import into this endpoint; None routes each request by its path.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    pub note: Option<String>,
}

/// Stores the requests of a pasted text as imported events. A curl
/// command's `@file` is refused: a paste has no folder to look it up in.
#[tauri::command]
pub async fn import_text(
    app: AppHandle,
    args: ImportTextArgs,
) -> Result<ImportOutcome, ErrorPayload> {
    let format = match args.format {
        Some(format) => format,
        None => formats::detect::detect(args.text.as_bytes()).ok_or_else(|| {
            ErrorPayload::new(
                ErrorKind::Invalid,
                "cannot tell the format of this text; choose it",
            )
        })?,
    };
    let spec = ImportSpec {
        file: None,
        note: args.note.filter(|n| !n.trim().is_empty()),
        endpoint_id: args.endpoint_id,
    };
    // The readers are not Send, so the import runs on a blocking thread,
    // driving its async part on the app's runtime from there.
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let cancel = AtomicBool::new(false);
        let input = Box::new(Cursor::new(args.text.into_bytes()));
        let reader = formats::read(format, input, None);
        tauri::async_runtime::block_on(core_import::import_source(
            &state.store,
            format,
            reader,
            &spec,
            now_ns(),
            &cancel,
            |_| {},
        ))
    })
    .await
    .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))??;
    tracing::info!(
        imported = outcome.imported,
        skipped = outcome.skipped,
        duplicates = outcome.duplicates,
        "imported a pasted text"
    );
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_request_is_detected_and_described() {
        let p = preview(
            "POST /hooks/kustom HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
            None,
        );
        assert_eq!(p.format, Some(Format::Raw));
        assert_eq!(p.total, 1);
        assert_eq!(p.entries[0].method, "POST");
        assert_eq!(p.entries[0].target, "/hooks/kustom");
        assert_eq!(p.entries[0].body_bytes, 2);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn an_empty_text_says_nothing() {
        let p = preview("  \n", None);
        assert_eq!(p.format, None);
        assert_eq!(p.total, 0);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn a_curl_file_argument_is_refused_with_its_position() {
        let p = preview("curl -d @body.json http://localhost/x", Some(Format::Curl));
        assert_eq!(p.format, Some(Format::Curl));
        assert_eq!(p.total, 0);
        assert_eq!(p.failed, 1);
        assert!(p.problems[0].starts_with("entry 1"), "{:?}", p.problems);
    }

    #[test]
    fn the_preview_lists_the_first_entries_and_counts_the_rest() {
        let entry = r#"{"request":{"method":"POST","url":"http://h/p","headers":[],"postData":{"mimeType":"application/json","text":"{}"}}}"#;
        let entries = vec![entry; PREVIEW_ENTRIES + 5].join(",");
        let har = format!(r#"{{"log":{{"version":"1.2","entries":[{entries}]}}}}"#);
        let p = preview(&har, None);
        assert_eq!(p.format, Some(Format::Har));
        assert_eq!(p.total, PREVIEW_ENTRIES as u64 + 5);
        assert_eq!(p.entries.len(), PREVIEW_ENTRIES);
        assert!(!p.more);
    }
}
