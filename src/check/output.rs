//! Machine-readable diagnostics: a documented JSON shape, and SARIF 2.1.0.

use serde::Serialize;
use serde_json::{Value, json};

use super::{ALL, find};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// The JSON shape of `validate --format json` (stable; fields are only ever added):
///
/// ```json
/// { "file": "kms.yaml",
///   "summary": { "errors": 1, "warnings": 0, "infos": 0 },
///   "diagnostics": [ { "code": "E012", "name": "account-id", "severity": "error",
///       "message": "…", "hint": "…", "line": 7, "column": 14, "end_line": 7, "end_column": 27 } ] }
/// ```
///
/// `line`/`column` are 1-based (column in characters) and absent when a
/// diagnostic is about the output rather than a place in the spec.
pub fn json(source: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    #[derive(Serialize)]
    struct Item<'a> {
        code: &'a str,
        name: &'a str,
        severity: Severity,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_column: Option<usize>,
    }
    let items: Vec<Item> = diagnostics
        .iter()
        .map(|d| {
            let end = d.span.map(|s| end_position(source, s.end));
            Item {
                code: d.code,
                name: find(d.code).map_or("", |r| r.name),
                severity: d.severity,
                message: &d.message,
                hint: d.hint.as_deref(),
                line: d.span.map(|s| s.line),
                column: d.span.map(|s| s.col),
                end_line: end.map(|e| e.0),
                end_column: end.map(|e| e.1),
            }
        })
        .collect();
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let doc = json!({
        "file": source.name(),
        "summary": { "errors": count(Severity::Error), "warnings": count(Severity::Warning), "infos": count(Severity::Info) },
        "diagnostics": items,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("diagnostics always serialize");
    text.push('\n');
    text
}

/// 1-based line and column of byte offset `offset`.
fn end_position(source: &SourceFile, offset: usize) -> (usize, usize) {
    let before = &source.text[..offset.min(source.text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// SARIF 2.1.0 for GitHub code scanning: every rule with its help text, and
/// each diagnostic as a result with a physical location in the spec.
pub fn sarif(source: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": camel(r.name),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.explain(), "markdown": r.explain() },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": [if r.is_guidance() { "guidance" } else { "aws-limit" }] },
            })
        })
        .collect();
    let uri = source.path.to_string_lossy().replace('\\', "/");
    let uri = uri.strip_prefix("./").unwrap_or(&uri).to_string();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(h) = &d.hint {
                message.push_str(&format!(" ({h})"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": ALL.iter().position(|r| r.code == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": message },
            });
            let region = match d.span {
                Some(s) => {
                    let (end_line, end_col) = end_position(source, s.end.max(s.start + 1));
                    json!({ "startLine": s.line, "startColumn": s.col, "endLine": end_line, "endColumn": end_col })
                }
                None => json!({ "startLine": 1 }),
            };
            result["locations"] = json!([{
                "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region }
            }]);
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kms-gen",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("SARIF always serializes");
    text.push('\n');
    text
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn camel(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}
