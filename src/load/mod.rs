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
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.display().to_string(),
        error,
    })?;
    load_str(path, text)
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
    // part of loading a big spec). A value the schema allows but the types do
    // not (say `1.0` for a whole number) takes the YAML path, which reports it.
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
