//! Diagnostics: what every stage reports about the spec, and how a person reads it.
//!
//! A [`Diagnostic`] is plain data (code, severity, message, hint, where). It
//! implements [`miette::Diagnostic`], and the human renderer reads it through
//! that protocol, so other miette handlers can show the same values.

use std::fmt;

use serde::Serialize;

use crate::source::{SourceFile, Span};

/// How serious a diagnostic is. Ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// How to fix it; shown under the caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The spec node it is about; `None` only when the file itself is the subject.
    #[serde(skip)]
    pub span: Option<Span>,
    /// Other places that explain it ("first defined here").
    #[serde(skip)]
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            hint: None,
            span: None,
            related: Vec::new(),
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn related(mut self, span: Option<Span>, label: impl Into<String>) -> Self {
        if let Some(span) = span {
            self.related.push((span, label.into()));
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by position in the file, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let pos = |d: &Diagnostic| d.span.map_or((0, 0), |s| (s.start, s.end));
        pos(a)
            .cmp(&pos(b))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// A diagnostic together with the file it is about: the miette view.
pub struct Located<'a> {
    pub diag: &'a Diagnostic,
    pub source: &'a SourceFile,
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Located<'_> {}

impl miette::Diagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source.text)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = self.diag.span.map(|s| {
            miette::LabeledSpan::new_primary_with_span(self.diag.hint.clone(), to_miette(s))
        });
        let related = self.diag.related.iter().map(|(s, label)| {
            miette::LabeledSpan::new_with_span(Some(label.clone()), to_miette(*s))
        });
        Some(Box::new(primary.into_iter().chain(related)))
    }
}

fn to_miette(span: Span) -> miette::SourceSpan {
    (span.start, span.end.saturating_sub(span.start)).into()
}

/// Colours for the human format; `plain()` when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    error: anstyle::Style,
    warning: anstyle::Style,
    info: anstyle::Style,
    emphasis: anstyle::Style,
    gutter: anstyle::Style,
}

impl Palette {
    pub fn plain() -> Self {
        let s = anstyle::Style::new();
        Palette {
            error: s,
            warning: s,
            info: s,
            emphasis: s,
            gutter: s,
        }
    }

    pub fn colored() -> Self {
        use anstyle::{AnsiColor, Style};
        Palette {
            error: Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            warning: Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
            info: Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
            emphasis: Style::new().bold(),
            gutter: Style::new().fg_color(Some(AnsiColor::Blue.into())),
        }
    }

    /// The style of a severity's label (`error`, `warning`, `info`).
    pub fn severity(&self, s: Severity) -> anstyle::Style {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Renders one diagnostic gcc-style, then the source line with a caret and the hint:
///
/// ```text
/// kms.yaml:12:13: error[KG001]: per-environment key in prod serves 3 workloads
///    12 |   strategy: per-environment
///       |             ^^^^^^^^^^^^^^^ use per-workload or per-data-class in prod
/// ```
///
/// It reads the diagnostic through the miette protocol (code, severity, help,
/// labels) and the source lines from the spec file.
pub fn render_human(located: &Located, file_name: &str, palette: &Palette) -> String {
    use miette::Diagnostic as _;
    use std::fmt::Write as _;

    let diag = located;
    let source = located.source;
    let severity = located.diag.severity;
    let code = diag.code().map(|c| c.to_string()).unwrap_or_default();
    let hint = diag.help().map(|h| h.to_string());
    let labels: Vec<miette::LabeledSpan> = diag.labels().map(|l| l.collect()).unwrap_or_default();
    let primary = labels.iter().find(|l| l.primary());
    let sev = palette.severity(severity);
    let (g, em) = (palette.gutter, palette.emphasis);

    let mut out = String::new();
    let location = primary
        .map(|l| source.position(l.offset()))
        .map(|(line, col, _)| format!("{file_name}:{line}:{col}"))
        .unwrap_or_else(|| file_name.to_string());
    let _ = writeln!(
        out,
        "{em}{location}:{em:#} {sev}{severity}[{code}]{sev:#}{em}: {}{em:#}",
        located.diag.message
    );

    let mut hint_shown = false;
    for label in primary
        .into_iter()
        .chain(labels.iter().filter(|l| !l.primary()))
    {
        let (line, col, text) = source.position(label.offset());
        let width = line.to_string().len().max(3);
        let text = text.replace('\t', " ");
        let available = text.chars().count().saturating_sub(col - 1).max(1);
        let end_col = source.position(label.offset() + label.len()).1;
        let carets = end_col.saturating_sub(col).clamp(1, available);
        let marker = if label.primary() { '^' } else { '-' };
        if !label.primary() {
            let _ = writeln!(out, "{g}{:>width$} |{g:#}", "");
        }
        let _ = writeln!(out, "{g}{line:>width$} |{g:#} {text}");
        let _ = write!(
            out,
            "{g}{:>width$} |{g:#} {}{sev}{}{sev:#}",
            "",
            " ".repeat(col - 1),
            marker.to_string().repeat(carets)
        );
        match label.label() {
            Some(c) => {
                hint_shown |= label.primary();
                let _ = writeln!(out, " {sev}{c}{sev:#}");
            }
            None => out.push('\n'),
        }
    }
    if let (Some(hint), false) = (hint, hint_shown) {
        let _ = writeln!(out, "  = hint: {hint}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "kms.yaml".into(),
            text: text.into(),
            map: SourceMap::default(),
        }
    }

    #[test]
    fn renders_gcc_style_with_caret_and_hint() {
        let f = file("version: 1\nenvironments:\n  prod:\n    strategy: per-environment\n");
        let start = f.text.find("per-environment").unwrap();
        let d = Diagnostic::error("KG001", "per-environment key in prod serves 3 workloads")
            .hint("use per-workload or per-data-class in prod")
            .at(Some(Span {
                line: 4,
                col: 15,
                start,
                end: start + 15,
            }));
        let out = render_human(
            &Located {
                diag: &d,
                source: &f,
            },
            "kms.yaml",
            &Palette::plain(),
        );
        assert_eq!(
            out,
            "kms.yaml:4:15: error[KG001]: per-environment key in prod serves 3 workloads\n  \
             4 |     strategy: per-environment\n    |               ^^^^^^^^^^^^^^^ use per-workload or per-data-class in prod\n"
        );
    }

    #[test]
    fn counts_columns_in_characters_not_bytes() {
        let f = file("é: x\n");
        let start = f.text.find('x').unwrap();
        let d = Diagnostic::error("E000", "m").at(Some(Span {
            line: 1,
            col: 4,
            start,
            end: start + 1,
        }));
        let out = render_human(
            &Located {
                diag: &d,
                source: &f,
            },
            "k.yaml",
            &Palette::plain(),
        );
        assert!(out.starts_with("k.yaml:1:4: error[E000]: m\n"), "{out}");
        assert!(out.contains("|    ^"), "{out}");
    }

    #[test]
    fn sorts_by_position_then_code() {
        let at = |start| {
            Some(Span {
                line: 1,
                col: 1,
                start,
                end: start + 1,
            })
        };
        let mut v = vec![
            Diagnostic::error("E2", "b").at(at(5)),
            Diagnostic::error("E1", "a").at(at(5)),
            Diagnostic::error("E3", "c").at(at(1)),
        ];
        sort(&mut v);
        let codes: Vec<_> = v.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E3", "E1", "E2"]);
    }
}
