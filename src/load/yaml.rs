//! YAML text → JSON value and source map, by walking the parser's events.
//!
//! The JSON value is what the JSON Schema validator checks; the source map
//! gives every node's line and column. Plain scalars resolve by the YAML 1.2
//! core schema, so `NO`, `yes` or `on` stay strings here (YAML 1.1 would make
//! them booleans): a boolean field written `yes` is reported, never guessed.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{
    Event, Marker, Parser, ScalarStyle, ScanError, Span as YamlSpan, StructureStyle,
};

use crate::diagnostic::Diagnostic;
use crate::source::{NodeSpans, SourceMap, Span, pointer_push};

/// A parsed document: its data as JSON and where each node is.
#[derive(Debug)]
pub struct Document {
    pub value: Value,
    pub map: SourceMap,
}

/// Parses `text`. A syntax error stops the parse (E001). A duplicate key
/// (E002) does not: the first value is kept, so the rest of the spec can still
/// be checked and every problem reported at once.
pub fn parse(text: &str) -> Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut walker = Walker {
        text,
        events: Parser::new_from_str(text).peekable(),
        map: SourceMap::default(),
        anchors: HashMap::new(),
        diags: Vec::new(),
        open_flow: Vec::new(),
    };
    let value = walker.stream().map_err(|d| vec![*d])?;
    let document = Document {
        value,
        map: walker.map,
    };
    Ok((document, walker.diags))
}

type Events<'a> = std::iter::Peekable<Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>>;

struct Walker<'a> {
    text: &'a str,
    events: Events<'a>,
    map: SourceMap,
    anchors: HashMap<usize, Value>,
    diags: Vec<Diagnostic>,
    /// Flow collections (`[`, `{`) being read, innermost last: an unclosed one is
    /// the usual cause of a syntax error reported lines later.
    open_flow: Vec<(Span, char)>,
}

impl<'a> Walker<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Box<Diagnostic>> {
        match self.events.next() {
            Some(Ok((event, span))) => Ok((event, self.span(span))),
            Some(Err(e)) => Err(Box::new(self.syntax(&e))),
            None => Err(Box::new(Diagnostic::error(
                "E001",
                "unexpected end of the YAML stream",
            ))),
        }
    }

    fn stream(&mut self) -> Result<Value, Box<Diagnostic>> {
        let mut documents = 0;
        let mut value = Value::Null;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(Diagnostic::error(
                            "E001",
                            "the spec holds more than one YAML document",
                        )
                        .hint("keep the whole spec in one document: remove the second `---`")
                        .at(Some(span))
                        .into());
                    }
                    let (event, span) = self.next()?;
                    value = self.node(event, span, "", None)?;
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(value)
    }

    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        pointer: &str,
        key: Option<Span>,
    ) -> Result<Value, Box<Diagnostic>> {
        let (value, anchor, end) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let forced_string = tag.as_ref().is_some_and(|t| t.suffix() == "str");
                let value = if style == ScalarStyle::Plain && !forced_string {
                    resolve_plain(&text)
                } else {
                    Value::String(text.into_owned())
                };
                (value, anchor, span)
            }
            Event::SequenceStart(style, anchor, _) => {
                let flow = style == StructureStyle::Flow;
                if flow {
                    self.open_flow.push((span, '['));
                }
                let mut items = Vec::new();
                let end = loop {
                    let (event, span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        break span;
                    }
                    let child = pointer_push(pointer, &items.len().to_string());
                    items.push(self.node(event, span, &child, None)?);
                };
                if flow {
                    self.open_flow.pop();
                }
                (Value::Array(items), anchor, end)
            }
            Event::MappingStart(style, anchor, _) => {
                let flow = style == StructureStyle::Flow;
                if flow {
                    self.open_flow.push((span, '{'));
                }
                let mut entries = Map::new();
                let mut first_seen: HashMap<String, Span> = HashMap::new();
                let end = loop {
                    let (event, key_span) = self.next()?;
                    let name = match event {
                        Event::MappingEnd => break key_span,
                        Event::Scalar(text, ..) => text.into_owned(),
                        Event::Alias(id) => match self.anchors.get(&id) {
                            Some(Value::String(s)) => s.clone(),
                            _ => return Err(Box::new(complex_key(key_span))),
                        },
                        _ => return Err(Box::new(complex_key(key_span))),
                    };
                    let (event, value_span) = self.next()?;
                    let child = pointer_push(pointer, &name);
                    if let Some(first) = first_seen.get(&name) {
                        // Parse the duplicate to keep going, but keep the first value.
                        let mut shadow = std::mem::take(&mut self.map);
                        let _ = self.node(event, value_span, &child, Some(key_span));
                        std::mem::swap(&mut shadow, &mut self.map);
                        self.diags.push(duplicate(&name, pointer, key_span, *first));
                        continue;
                    }
                    first_seen.insert(name.clone(), key_span);
                    let value = self.node(event, value_span, &child, Some(key_span))?;
                    entries.insert(name, value);
                };
                if flow {
                    self.open_flow.pop();
                }
                (Value::Object(entries), anchor, end)
            }
            Event::Alias(id) => {
                let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                (value, 0, span)
            }
            other => {
                return Err(
                    Diagnostic::error("E001", format!("unexpected YAML event {other:?}"))
                        .at(Some(span))
                        .into(),
                );
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        let value_span = Span {
            end: end.end.max(span.start),
            ..span
        };
        self.map.insert(
            pointer.to_string(),
            NodeSpans {
                key,
                value: value_span,
            },
        );
        Ok(value)
    }

    fn span(&self, span: YamlSpan) -> Span {
        let start = self.offset(span.start);
        let end = self.offset(span.end).max(start);
        Span {
            line: span.start.line(),
            col: span.start.col() + 1,
            start,
            end,
        }
    }

    fn offset(&self, marker: Marker) -> usize {
        marker.byte_offset().unwrap_or_else(|| {
            self.text
                .char_indices()
                .nth(marker.index())
                .map_or(self.text.len(), |(i, _)| i)
        })
    }

    fn syntax(&self, e: &ScanError) -> Diagnostic {
        let m = *e.marker();
        let start = self.offset(m);
        let end = (start + 1).min(self.text.len()).max(start);
        let at = Span {
            line: m.line(),
            col: m.col() + 1,
            start,
            end,
        };
        // A bracket opened on an earlier line and still open is the likely cause:
        // point at it, and show where the parser gave up as the related place.
        if let Some((open, bracket)) = self.open_flow.last()
            && open.line < at.line
        {
            let close = if *bracket == '[' { ']' } else { '}' };
            let open = Span {
                end: open.start + 1,
                ..*open
            };
            return Diagnostic::error(
                "E001",
                format!(
                    "YAML syntax error: the `{bracket}` on line {} is never closed",
                    open.line
                ),
            )
            .hint(format!("close it with `{close}`"))
            .at(Some(open))
            .related(Some(at), format!("the parser gave up here: {}", e.info()));
        }
        Diagnostic::error("E001", format!("YAML syntax error: {}", e.info()))
            .hint("check the indentation and quoting on this line and the one before")
            .at(Some(at))
    }
}

fn complex_key(span: Span) -> Diagnostic {
    Diagnostic::error("E001", "a mapping key must be a plain string")
        .hint("write the key as a single word, e.g. `payments:`")
        .at(Some(span))
}

fn duplicate(name: &str, parent: &str, at: Span, first: Span) -> Diagnostic {
    let parent = if parent.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{}`", parent.trim_start_matches('/').replace('/', "."))
    };
    Diagnostic::error("E002", format!("duplicate key `{name}` in {parent}"))
        .hint(format!(
            "remove or rename this `{name}`; YAML keeps only one of them"
        ))
        .at(Some(at))
        .related(Some(first), "first defined here")
}

/// YAML 1.2 core schema resolution of a plain scalar.
pub(super) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Number(i.into());
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Number(i.into());
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Number(i.into());
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_plain_scalars_by_yaml_1_2_core() {
        assert_eq!(resolve_plain("NO"), json!("NO"));
        assert_eq!(resolve_plain("yes"), json!("yes"));
        assert_eq!(resolve_plain("true"), json!(true));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("365"), json!(365));
        assert_eq!(resolve_plain("-3"), json!(-3));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("eu-west-1"), json!("eu-west-1"));
        assert_eq!(resolve_plain("1e3"), json!(1000.0));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let doc = parse("a: \"111111111111\"\nb: '1'\nc: !!str 5\n")
            .unwrap()
            .0;
        assert_eq!(doc.value, json!({"a": "111111111111", "b": "1", "c": "5"}));
    }

    #[test]
    fn maps_pointers_to_lines_and_columns() {
        let doc = parse("workloads:\n  payments:\n    owner: team\n    users: [a, b]\n")
            .unwrap()
            .0;
        let owner = doc.map.get("/workloads/payments/owner").unwrap();
        assert_eq!((owner.value.line, owner.value.col), (3, 12));
        assert_eq!((owner.key.unwrap().line, owner.key.unwrap().col), (3, 5));
        let b = doc.map.get("/workloads/payments/users/1").unwrap();
        assert_eq!((b.value.line, b.value.col), (4, 16));
    }

    #[test]
    fn reports_every_duplicate_key_with_the_first_one() {
        let (doc, err) = parse("w:\n  a: 1\n  a: 2\nx: 1\nx: 2\n").unwrap();
        assert_eq!(
            doc.value,
            json!({"w": {"a": 1}, "x": 1}),
            "the first value is kept"
        );
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].code, "E002");
        assert_eq!(err[0].span.unwrap().line, 3);
        assert_eq!(err[0].related[0].0.line, 2);
        assert!(
            err[1].message.contains("`x` in the top level"),
            "{}",
            err[1].message
        );
    }

    #[test]
    fn reports_syntax_errors_with_a_position() {
        let err = parse("a: [1\nb: 2\n").unwrap_err();
        assert_eq!(err[0].code, "E001");
        assert!(err[0].span.is_some());
    }

    #[test]
    fn expands_aliases() {
        let doc = parse("a: &x [1, 2]\nb: *x\n").unwrap().0;
        assert_eq!(doc.value, json!({"a": [1, 2], "b": [1, 2]}));
    }

    #[test]
    fn refuses_a_second_document() {
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err[0].message.contains("more than one YAML document"));
    }
}
