//! load: the spec file → a typed [`Spec`] with its [`SourceFile`].
//!
//! Three passes, each reporting with line and column: YAML syntax and
//! duplicate keys (our own event walk), the JSON Schema generated from the
//! spec types (unknown fields, wrong types, missing fields, out-of-range
//! values), then serde-saphyr into the typed model.

pub mod schema;
pub mod spec;
mod yaml;

use std::path::Path;

pub use spec::Spec;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// A spec that parsed and matched the schema, with its source for locating diagnostics.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub spec: Spec,
    pub source: SourceFile,
}

/// Why a spec could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (exit 2).
    Io { path: String, error: std::io::Error },
    /// The file was read but is not a valid spec (exit 1); located diagnostics.
    Invalid {
        source: SourceFile,
        diagnostics: Vec<Diagnostic>,
    },
}

/// Reads and loads the spec at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io {
        path: path.display().to_string(),
        error,
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => load_str(path, text),
        Err(e) => Err(not_utf8(path, e)),
    }
}

/// A spec that is not UTF-8 (saved as Latin-1 or UTF-16, say): E001 at the
/// first byte that is not, shown in a copy of the text where each such byte
/// reads as `�`.
fn not_utf8(path: &Path, e: std::string::FromUtf8Error) -> LoadError {
    let start = e.utf8_error().valid_up_to();
    let bytes = e.as_bytes();
    let bad = bytes[start..]
        .iter()
        .take(e.utf8_error().error_len().unwrap_or(1))
        .map(|b| format!("0x{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    let text = String::from_utf8_lossy(bytes).into_owned();
    // The text before `start` is valid, so it reads the same in the lossy copy.
    let before = &text[..start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let span = Span {
        line: before.matches('\n').count() + 1,
        col: before[line_start..].chars().count() + 1,
        start,
        end: start + char::REPLACEMENT_CHARACTER.len_utf8(),
    };
    let diag = Diagnostic::error(
        "E001",
        format!("the spec is not UTF-8 text: byte {bad} here is not valid UTF-8"),
    )
    .hint("save the file as UTF-8 (a Latin-1 or Windows-1252 editor setting writes such bytes)")
    .at(Some(span));
    LoadError::Invalid {
        source: SourceFile {
            path: path.to_path_buf(),
            text,
            map: Default::default(),
        },
        diagnostics: vec![diag],
    }
}

/// Loads a spec from text; `path` is only used to name the file in diagnostics.
pub fn load_str(path: &Path, text: String) -> Result<Loaded, LoadError> {
    let mut source = SourceFile {
        path: path.to_path_buf(),
        text,
        map: Default::default(),
    };
    let (document, duplicates) = match yaml::parse(&source.text) {
        Ok(parsed) => parsed,
        Err(diagnostics) => {
            return Err(LoadError::Invalid {
                source,
                diagnostics,
            });
        }
    };
    source.map = document.map;
    let mut diagnostics = duplicates;
    diagnostics.extend(schema::validate(&document.value, &source));
    if !diagnostics.is_empty() {
        return Err(LoadError::Invalid {
            source,
            diagnostics,
        });
    }
    // The walk already built the document and the schema accepted it: type it
    // from that value rather than parsing the text a second time (the larger
    // part of loading a big spec). The schema pass already reported what the
    // JSON Schema allows but the types do not (`30.0` for a whole number); any
    // other such corner takes the YAML path, which reports it.
    if let Ok(spec) = serde_json::from_value::<Spec>(document.value) {
        return Ok(Loaded { spec, source });
    }
    match serde_saphyr::from_str::<Spec>(&source.text) {
        Ok(spec) => Ok(Loaded { spec, source }),
        Err(e) => {
            // The schema accepted the document, so this is a corner where
            // serde-saphyr and the schema disagree; report it where it points.
            let span = e.location().map(|l| {
                let start = l.span().byte_offset().unwrap_or(0) as usize;
                let end = start + l.span().len() as usize;
                Span {
                    line: l.line() as usize,
                    col: l.column() as usize,
                    start,
                    end,
                }
            });
            let message = e.without_snippet().to_string();
            let diag = Diagnostic::error("E004", message).at(span);
            Err(LoadError::Invalid {
                source,
                diagnostics: vec![diag],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = include_str!("../../examples/minimal.yaml");

    fn errors(text: &str) -> (SourceFile, Vec<Diagnostic>) {
        match load_str(Path::new("kms.yaml"), text.to_string()) {
            Ok(_) => panic!("loaded:\n{text}"),
            Err(LoadError::Invalid {
                source,
                diagnostics,
            }) => (source, diagnostics),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn located<'a>(source: &'a SourceFile, d: &Diagnostic) -> &'a str {
        let span = d.span.expect("located");
        &source.text[span.start..span.end]
    }

    #[test]
    fn whole_numbers_written_as_floats_are_reported_with_the_other_schema_errors() {
        let text = MINIMAL
            .replace(
                "version: 1\n",
                "version: 1.0\ndefaults: { deletion_window_days: 30.0 }\n",
            )
            .replace(
                "    owner: team-orders\n",
                "    owner: team-orders\n    deletion_window_days: 1e1\n    colour: blue\n",
            );
        let (source, diags) = errors(&text);
        let shown: Vec<(&str, &str, &str, &str)> = diags
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.message.as_str(),
                    d.hint.as_deref().unwrap_or(""),
                    located(&source, d),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "E004",
                    "version must be a whole number, found `1.0`",
                    "write `1`",
                    "1.0"
                ),
                (
                    "E004",
                    "defaults.deletion_window_days must be a whole number, found `30.0`",
                    "write `30`",
                    "30.0"
                ),
                (
                    "E004",
                    "workloads.orders.deletion_window_days must be a whole number, found `1e1`",
                    "write `10`",
                    "1e1"
                ),
                (
                    "E003",
                    "unknown field `colour` in workloads.orders",
                    shown[3].2,
                    "colour"
                ),
            ]
        );
    }

    #[test]
    fn a_whole_float_alone_is_reported_and_a_whole_integer_is_fine() {
        let (_, diags) = errors(&MINIMAL.replace("version: 1\n", "version: 1.0\n"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].hint.as_deref(), Some("write `1`"));
        // Floats stay an error only where a whole number is wanted.
        let ok = MINIMAL.replace(
            "version: 1\n",
            "version: 1\ndefaults: { deletion_window_days: 30 }\n",
        );
        load_str(Path::new("kms.yaml"), ok).unwrap();
    }

    #[test]
    fn the_quote_hint_keeps_the_number_as_written() {
        for (written, shown) in [
            ("012345678901", "012345678901"),
            ("0o12", "0o12"),
            ("333333333333", "333333333333"),
        ] {
            let text = MINIMAL.replace("\"111111111111\"", written);
            let (_, diags) = errors(&text);
            let d = diags.iter().find(|d| d.code == "E004").expect("E004");
            assert_eq!(
                d.message,
                format!("environments.dev.account must be a string, found a number `{shown}`")
            );
            assert_eq!(
                d.hint.as_deref(),
                Some(format!("quote it: \"{shown}\"").as_str())
            );
        }
    }

    #[test]
    fn a_spec_that_is_not_utf8_is_e001_at_the_first_bad_byte() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("kms.yaml");
        let mut bytes = MINIMAL.replace("team-orders", "team-ordérs").into_bytes();
        let at = MINIMAL.find("team-platform").unwrap() + 4;
        bytes[at] = 0xFF;
        std::fs::write(&path, &bytes).unwrap();
        let Err(LoadError::Invalid {
            source,
            diagnostics,
        }) = load_file(&path)
        else {
            panic!("loaded")
        };
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.code, "E001");
        assert!(
            d.message
                .starts_with("the spec is not UTF-8 text: byte 0xFF"),
            "{}",
            d.message
        );
        let span = d.span.unwrap();
        let line = MINIMAL[..at].matches('\n').count() + 1;
        assert_eq!((span.line, span.col), (line, 16));
        assert_eq!(&source.text[span.start..span.end], "\u{FFFD}");
    }
}
