//! Machine-readable diagnostics: a documented JSON shape, and SARIF 2.1.0.

use serde::Serialize;
use serde_json::{Value, json};

use super::{ALL, find};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// The JSON shape of `validate --format json` (stable; fields are only ever added):
///
/// ```json
/// { "file": "kms.yaml",
///   "summary": { "errors": 1, "warnings": 0, "infos": 0 },
///   "diagnostics": [ { "code": "E012", "name": "account-id", "severity": "error",
///       "message": "…", "hint": "…", "line": 7, "column": 14, "end_line": 7, "end_column": 27,
///       "related": [ { "line": 3, "column": 5, "message": "first defined here" } ] } ] }
/// ```
///
/// - `severity` is `error`, `warning` or `info`, after `lint:` re-levelling;
///   the exit code is 1 exactly when `summary.errors` is not 0.
/// - `diagnostics` are in file order (line, then column), as the human format.
/// - `line`/`column` are 1-based, columns in characters (Unicode code points);
///   `end_line`/`end_column` point just past the node. All four are absent when
///   a diagnostic is about the output rather than a place in the spec.
/// - `hint` and `related` (other places that explain it) are absent when empty.
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
        #[serde(skip_serializing_if = "Vec::is_empty")]
        related: Vec<Related<'a>>,
    }
    #[derive(Serialize)]
    struct Related<'a> {
        line: usize,
        column: usize,
        message: &'a str,
    }
    let items: Vec<Item> = diagnostics
        .iter()
        .map(|d| {
            let end = d.span.map(|s| source.position(s.end));
            Item {
                code: d.code,
                name: find(d.code).map_or("", |r| r.name),
                severity: d.severity,
                message: &d.message,
                hint: d.hint.as_deref(),
                line: d.span.map(|s| s.line),
                column: d.span.map(|s| s.col),
                end_line: end.map(|(line, _, _)| line),
                end_column: end.map(|(_, col, _)| col),
                related: d
                    .related
                    .iter()
                    .map(|(span, label)| Related {
                        line: span.line,
                        column: span.col,
                        message: label,
                    })
                    .collect(),
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

/// SARIF 2.1.0 for GitHub code scanning: every rule with its help text (the
/// `explain` text, which is Markdown), and each diagnostic as a result with a
/// physical location in the spec and its related places.
///
/// `ruleIndex` is the rule's position in `tool.driver.rules`, which lists every
/// rule in code order. Columns count Unicode code points (`columnKind`), as the
/// human and JSON formats do. A relative spec path is given relative to
/// `%SRCROOT%`, which GitHub resolves to the repository root.
pub fn sarif(source: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            let explanation = r.explain();
            json!({
                "id": r.code,
                "name": camel(r.name),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": what_it_checks(&explanation).unwrap_or_else(|| r.summary.to_string()) },
                "help": { "text": explanation, "markdown": explanation },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": [if r.is_guidance() { "guidance" } else { "aws-limit" }] },
            })
        })
        .collect();
    let artifact = artifact_location(&source.path);
    let region = |span: Span| {
        let (end_line, end_col, _) = source.position(span.end.max(span.start + 1));
        json!({ "startLine": span.line, "startColumn": span.col, "endLine": end_line, "endColumn": end_col })
    };
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(h) = &d.hint {
                message.push_str(&format!(" ({h})"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": message },
            });
            // Every diagnostic code is a rule in `ALL`; a mismatch would misattribute it.
            if let Some(index) = ALL.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            let primary = d.span.map_or_else(|| json!({ "startLine": 1 }), region);
            result["locations"] = json!([{
                "physicalLocation": { "artifactLocation": artifact, "region": primary }
            }]);
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, (span, label))| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": { "artifactLocation": artifact, "region": region(*span) },
                            "message": { "text": label },
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kms-gen",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("SARIF always serializes");
    text.push('\n');
    text
}

/// The first paragraph under `## What it checks`, unwrapped to one line.
fn what_it_checks(explanation: &str) -> Option<String> {
    let body = explanation.split("## What it checks").nth(1)?;
    let para = body.trim_start().split("\n\n").next()?.trim();
    (!para.is_empty()).then(|| para.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The spec as a SARIF artifact: relative paths against `%SRCROOT%`, absolute ones as `file://` URIs.
fn artifact_location(path: &std::path::Path) -> Value {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    // URIs escape what is not allowed in a path segment; spec paths rarely need more.
    let escaped: String = text
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '%' => "%25".to_string(),
            '#' => "%23".to_string(),
            '?' => "%3F".to_string(),
            c => c.to_string(),
        })
        .collect();
    if path.is_absolute() {
        json!({ "uri": format!("file://{}", if escaped.starts_with('/') { escaped } else { format!("/{escaped}") }) })
    } else {
        json!({ "uri": escaped, "uriBaseId": "%SRCROOT%" })
    }
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
