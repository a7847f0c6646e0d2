//! Every kind of bad input, one spec each under `tests/fixtures/invalid/`: what
//! `validate` tells the user (snapshotted, one per fixture), and that `render`
//! refuses it without touching the output folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kms_gen() -> Command {
    let mut cmd = Command::cargo_bin("kms-gen").unwrap();
    // Relative paths keep the file names in the snapshots stable.
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// `tests/fixtures/invalid/<name>` as the user would type it from the repository root.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Whether `line` starts `<file>:<line>:<col>: error[`.
fn is_located_error(line: &str, file: &str) -> bool {
    let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let number =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let (line_no, col) = (parts.next(), parts.next());
    number(line_no) && number(col) && parts.next().is_some_and(|r| r.starts_with(" error["))
}

#[test]
fn there_are_enough_fixtures_and_each_says_what_it_breaks() {
    let dir = root().join("tests/fixtures/invalid");
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            count += 1;
            let text = fs::read_to_string(&path).unwrap();
            let first = text.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("# ") && first.len() > 10,
                "{} must start with a one-line comment saying what it breaks",
                path.display()
            );
        }
    }
    assert!(count >= 40, "only {count} fixtures");
}

#[test]
fn validate_reports_each_fixture_as_a_located_error() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let file = relative(path);
        let out = kms_gen().args(["validate", "-f", &file]).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let code = out.status.code();
        assert_eq!(code, Some(1), "{file}: exit code\n{stderr}");
        assert!(
            out.stdout.is_empty(),
            "{file}: human diagnostics go to stderr"
        );
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            is_located_error(first, &file),
            "{file}: the first line should be `{file}:<line>:<col>: error[…`, not\n{first}"
        );
        let what = fs::read_to_string(path).unwrap();
        let what = what
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ");
        insta::with_settings!({
            snapshot_path => "snapshots/invalid",
            description => what,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(
                "validate",
                format!("{stderr}exit code: {}", code.unwrap_or(-1))
            );
        });
    });
}

/// Every file under `dir`, relative path → bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn render_refuses_each_fixture_and_writes_nothing() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let file = relative(path);
        let tmp = tempfile::tempdir().unwrap();
        let out_dir = tmp.path().join("out");
        fs::create_dir_all(out_dir.join("terraform/prod")).unwrap();
        fs::write(out_dir.join("README.md"), "kept by hand\n").unwrap();
        fs::write(
            out_dir.join("terraform/prod/backend.tf"),
            "terraform {\n  backend \"s3\" {}\n}\n",
        )
        .unwrap();
        let before = contents(&out_dir);

        let out = kms_gen()
            .args(["render", "-f", &file, "--target", "all", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{file}: render exit code\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            contents(&out_dir),
            before,
            "{file}: the output folder changed"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "out")
            .collect();
        assert!(
            leftovers.is_empty(),
            "{file}: left {leftovers:?} beside out/"
        );
    });
}
