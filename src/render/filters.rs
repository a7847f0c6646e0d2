//! Template filters: every user string reaches the output through one of
//! these, escaped for its target, never pasted raw.

use serde_json::Value;

/// An HCL quoted string literal: quotes, backslashes and control characters
/// escaped, and the template sequences `${` / `%{` doubled so Terraform
/// reads them as text.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key in HCL: bare when it is an identifier, else a quoted string.
pub fn hcl_key(k: &str) -> String {
    let mut chars = k.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident { k.to_string() } else { hcl_string(k) }
}

/// A JSON value as an HCL expression laid out as `terraform fmt` lays it out:
/// objects one item per line with `=` aligned across runs of single-line
/// items, lists of scalars on one line, lists of objects one per line.
/// `indent` is the column of the line the expression starts on.
pub fn hcl_value(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => hcl_string(s),
        Value::Array(items) if items.iter().all(is_scalar) => {
            let inner: Vec<String> = items.iter().map(|i| hcl_value(i, indent)).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Array(items) => {
            let pad = " ".repeat(indent + 2);
            let mut out = String::from("[\n");
            for item in items {
                out.push_str(&format!("{pad}{},\n", hcl_value(item, indent + 2)));
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
            out
        }
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let pad = " ".repeat(indent + 2);
            let rendered: Vec<(String, String)> = map
                .iter()
                .map(|(k, v)| (hcl_key(k), hcl_value(v, indent + 2)))
                .collect();
            let mut out = String::from("{\n");
            let mut i = 0;
            while i < rendered.len() {
                // A run of single-line items is aligned; a multi-line item stands alone.
                let run_end = (i..rendered.len())
                    .find(|&j| rendered[j].1.contains('\n'))
                    .unwrap_or(rendered.len());
                if run_end == i {
                    let (k, v) = &rendered[i];
                    out.push_str(&format!("{pad}{k} = {v}\n"));
                    i += 1;
                    continue;
                }
                let width = rendered[i..run_end]
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in &rendered[i..run_end] {
                    out.push_str(&format!("{pad}{k:<width$} = {v}\n"));
                }
                i = run_end;
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
            out
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// A YAML scalar as a JSON double-quoted string (a valid YAML flow scalar
/// whatever it contains, and never re-typed by a YAML 1.1 reader).
pub fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A value as block YAML (via serde), every line after the first indented by `indent`.
pub fn yaml_block(v: &Value, indent: usize) -> String {
    let text =
        serde_saphyr::to_string(v).unwrap_or_else(|_| serde_json::to_string(v).unwrap_or_default());
    let pad = " ".repeat(indent);
    text.trim_end()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hcl_strings_escape_quotes_backslashes_newlines_and_templates() {
        assert_eq!(hcl_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(hcl_string("x\ny\tz"), r#""x\ny\tz""#);
        assert_eq!(hcl_string("${x} %{y} $z %w"), r#""$${x} %%{y} $z %w""#);
        assert_eq!(hcl_string("\u{7}"), r#""\u0007""#);
    }

    #[test]
    fn hcl_keys_quote_what_is_not_an_identifier() {
        assert_eq!(hcl_key("CostCenter"), "CostCenter");
        assert_eq!(hcl_key("kms:ViaService"), r#""kms:ViaService""#);
        assert_eq!(hcl_key("1a"), r#""1a""#);
    }

    #[test]
    fn hcl_values_align_runs_of_single_line_items() {
        let v = json!({"Sid": "A", "Effect": "Allow", "Condition": {"StringEquals": {"kms:CallerAccount": "1", "kms:ViaService": ["a", "b"]}}, "Resource": "*"});
        assert_eq!(
            hcl_value(&v, 0),
            "{\n  Sid    = \"A\"\n  Effect = \"Allow\"\n  Condition = {\n    StringEquals = {\n      \"kms:CallerAccount\" = \"1\"\n      \"kms:ViaService\"    = [\"a\", \"b\"]\n    }\n  }\n  Resource = \"*\"\n}"
        );
    }

    #[test]
    fn hcl_lists_of_objects_go_one_per_line() {
        let v = json!([{"a": 1}, {"b": true}]);
        assert_eq!(
            hcl_value(&v, 2),
            "[\n    {\n      a = 1\n    },\n    {\n      b = true\n    },\n  ]"
        );
    }

    #[test]
    fn yaml_strings_are_quoted_so_no_reader_retypes_them() {
        assert_eq!(yaml_string("NO"), "\"NO\"");
        assert_eq!(yaml_string("a\"b\nc"), "\"a\\\"b\\nc\"");
    }

    #[test]
    fn yaml_blocks_indent_continuation_lines() {
        let v = json!({"A": {"B": "x"}, "C": ["NO"]});
        assert_eq!(yaml_block(&v, 4), "A:\n      B: x\n    C:\n    - \"NO\"");
    }
}
