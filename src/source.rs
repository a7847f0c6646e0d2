//! The spec file as text, and where each of its values sits in it.
//!
//! Every later stage names places in the spec by JSON pointer
//! (`/workloads/payments/key_users/0`), the same form the JSON Schema
//! validator reports; the [`SourceMap`] turns a pointer into a line and column.

use std::collections::HashMap;
use std::path::PathBuf;

/// A byte range of the spec text with its 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: usize,
    pub col: usize,
    pub start: usize,
    pub end: usize,
}

/// Where a node sits: its value, and the key that introduced it when it is a map entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpans {
    pub key: Option<Span>,
    pub value: Span,
}

/// The spec file: its name as the user gave it, its text, and its source map.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub map: SourceMap,
}

impl SourceFile {
    /// The name shown in diagnostics, as the user typed it.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// The span of the value at `pointer`, or of its nearest located ancestor.
    pub fn value_span(&self, pointer: &str) -> Option<Span> {
        self.map.nearest(pointer).map(|n| n.value)
    }

    /// The span of the key that introduced `pointer` (falls back to the value).
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        self.map.nearest(pointer).map(|n| n.key.unwrap_or(n.value))
    }

    /// The 1-based line and 1-based column (in characters) of byte `offset`,
    /// and the text of that line without its line break. An offset past the end
    /// or inside a character is moved back to the nearest character start.
    pub fn position(&self, offset: usize) -> (usize, usize, &str) {
        let text = &self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[..offset].matches('\n').count() + 1;
        let col = text[start..offset].chars().count() + 1;
        (line, col, text[start..end].trim_end_matches('\r'))
    }
}

/// JSON pointer → spans of the node there.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    nodes: HashMap<String, NodeSpans>,
}

impl SourceMap {
    pub fn insert(&mut self, pointer: String, spans: NodeSpans) {
        self.nodes.insert(pointer, spans);
    }

    pub fn get(&self, pointer: &str) -> Option<&NodeSpans> {
        self.nodes.get(pointer)
    }

    /// The node at `pointer`, or its closest ancestor that exists (a missing
    /// field is reported at the map that should hold it).
    pub fn nearest(&self, pointer: &str) -> Option<&NodeSpans> {
        let mut p = pointer;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return Some(n);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }
}

/// Appends one reference token to a JSON pointer, escaped per RFC 6901.
pub fn pointer_push(base: &str, token: &str) -> String {
    let mut p = String::with_capacity(base.len() + token.len() + 1);
    p.push_str(base);
    p.push('/');
    for c in token.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
    p
}

/// Builds a pointer from tokens: `ptr(&["workloads", "payments"])`.
pub fn ptr(tokens: &[&str]) -> String {
    tokens
        .iter()
        .fold(String::new(), |p, t| pointer_push(&p, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(ptr(&["tags", "a/b~c"]), "/tags/a~1b~0c");
        assert_eq!(ptr(&[]), "");
    }

    #[test]
    fn nearest_falls_back_to_the_closest_ancestor() {
        let span = Span {
            line: 3,
            col: 1,
            start: 10,
            end: 12,
        };
        let mut map = SourceMap::default();
        map.insert(
            "/workloads".into(),
            NodeSpans {
                key: None,
                value: span,
            },
        );
        assert_eq!(map.nearest("/workloads/x/owner").unwrap().value, span);
        assert!(map.nearest("/environments").is_none());
    }
}
