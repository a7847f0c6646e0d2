//! Never lose a key: the lock, the refusals users read, renames, forgetting,
//! and safe writes, each on a throwaway repository driven through the binary.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary repository: a spec (`kms.yaml`), its lock and `out/`.
struct Repo {
    tmp: tempfile::TempDir,
}

impl Repo {
    /// A copy of `examples/acme.yaml` as `kms.yaml`.
    fn acme() -> Repo {
        let repo = Repo {
            tmp: tempfile::tempdir().unwrap(),
        };
        fs::copy(
            common::root().join("examples/acme.yaml"),
            repo.dir().join("kms.yaml"),
        )
        .unwrap();
        repo
    }

    /// A copy of `tests/fixtures/scenarios/<name>/` (a spec and its lock).
    fn fixture(name: &str) -> Repo {
        let repo = Repo {
            tmp: tempfile::tempdir().unwrap(),
        };
        let from = common::root().join("tests/fixtures/scenarios").join(name);
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), repo.dir().join(entry.file_name())).unwrap();
        }
        repo
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    fn kms_gen(&self) -> Command {
        let mut cmd = Command::cargo_bin("kms-gen").unwrap();
        cmd.current_dir(self.dir())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE");
        cmd
    }

    /// `kms-gen render --target all` with `args`.
    fn render(&self, args: &[&str]) -> Output {
        self.kms_gen()
            .args(["render", "--target", "all"])
            .args(args)
            .output()
            .unwrap()
    }

    /// `kms-gen render --target all` with `args`, run in this process, so
    /// that the lock's temporary file (named after the process id) is known.
    fn render_in_process(&self, args: &[&str]) -> kms_gen::commands::Exit {
        use clap::Parser;
        let spec = self.dir().join("kms.yaml");
        let out = self.dir().join("out");
        let mut argv = vec!["kms-gen", "render", "--target", "all", "-f"];
        argv.push(spec.to_str().unwrap());
        argv.extend(["--out", out.to_str().unwrap()]);
        argv.extend(args);
        kms_gen::commands::run(kms_gen::cli::Cli::try_parse_from(argv).unwrap())
    }

    /// A directory where the lock's temporary file goes: the lock cannot be
    /// written, whatever the permissions (the tests may run as root).
    fn block_the_lock(&self) -> PathBuf {
        let tmp = self
            .dir()
            .join(format!(".kms-gen.lock.{}.tmp", std::process::id()));
        fs::create_dir_all(tmp.join("obstacle")).unwrap();
        tmp
    }

    fn render_ok(&self, args: &[&str]) -> Output {
        let out = self.render(args);
        assert!(out.status.success(), "render {args:?}:\n{}", stderr(&out));
        out
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Replaces `from` by `to` in the spec; `from` must be there.
    fn edit(&self, from: &str, to: &str) {
        let spec = self.read("kms.yaml");
        assert!(spec.contains(from), "the spec has no {from:?}");
        self.write("kms.yaml", &spec.replacen(from, to, 1));
    }

    /// Removes workload `name` (its block under `workloads:`) from the spec:
    /// its line and every line after it up to the next one indented by at
    /// most two spaces.
    fn remove_workload(&self, name: &str) {
        let spec = self.read("kms.yaml");
        let head = format!("  {name}:");
        let mut out = String::new();
        let mut skipping = false;
        let mut found = false;
        for line in spec.split_inclusive('\n') {
            if line.trim_end() == head {
                skipping = true;
                found = true;
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            if skipping && !line.trim().is_empty() && indent <= 2 {
                skipping = false;
            }
            if !skipping {
                out.push_str(line);
            }
        }
        assert!(found, "no workload {name}");
        self.write("kms.yaml", &out);
    }

    /// Every file under the repository, with its bytes.
    fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    out.insert(
                        path.strip_prefix(root).unwrap().to_path_buf(),
                        fs::read(&path).unwrap(),
                    );
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(self.dir(), self.dir(), &mut out);
        out
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The refusal as users read it: from `error: refusing` to the end, without
/// the spec's diagnostics and render notes before it.
fn refusal(out: &Output) -> String {
    let err = stderr(out);
    let start = err
        .find("error: refusing to render")
        .unwrap_or_else(|| panic!("no refusal in:\n{err}"));
    err[start..].to_string()
}

/// Asserts a render was refused (exit 1) and changed nothing.
fn refused(repo: &Repo, args: &[&str]) -> Output {
    let before = repo.tree();
    let out = repo.render(args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(repo.tree(), before, "a refused render wrote something");
    assert!(
        stderr(&out).ends_with("nothing written: out and kms-gen.lock are unchanged\n"),
        "{}",
        stderr(&out)
    );
    out
}

/// Holds the rendered Terraform of every environment to what `moved` and
/// `removed` blocks need beyond what Terraform's config loader checks in CI:
/// a move goes to a declared resource of the same type from an undeclared
/// one, and a removed resource is no longer declared.
fn assert_moves_and_removals_are_sound(out: &Path) -> (usize, usize) {
    let (mut moves, mut removals) = (0, 0);
    for env in fs::read_dir(out.join("terraform")).unwrap() {
        let env = env.unwrap().path();
        let mut declared = BTreeSet::new();
        let mut moved = Vec::new();
        let mut removed = Vec::new();
        for file in fs::read_dir(&env).unwrap() {
            let file = file.unwrap().path();
            let body: hcl::Body = hcl::from_str(&fs::read_to_string(&file).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for block in body.blocks() {
                let attr = |name: &str| {
                    block
                        .body()
                        .attributes()
                        .find(|a| a.key() == name)
                        .map(|a| hcl::format::to_string(a.expr()).unwrap())
                        .unwrap_or_else(|| panic!("{}: {name} missing", file.display()))
                };
                match block.identifier() {
                    "resource" => {
                        let labels = block.labels();
                        declared.insert(format!("{}.{}", labels[0].as_str(), labels[1].as_str()));
                    }
                    "moved" => moved.push((attr("from"), attr("to"))),
                    "removed" => {
                        let lifecycle = block
                            .body()
                            .blocks()
                            .find(|b| b.identifier() == "lifecycle")
                            .expect("removed blocks keep the resource");
                        assert!(
                            lifecycle.body().attributes().any(|a| a.key() == "destroy"
                                && *a.expr() == hcl::Expression::Bool(false)),
                            "{}",
                            file.display()
                        );
                        removed.push(attr("from"));
                    }
                    _ => {}
                }
            }
        }
        let kind = |a: &str| a.split('.').next().unwrap().to_string();
        for (from, to) in &moved {
            assert!(declared.contains(to), "moved to undeclared {to}");
            assert!(!declared.contains(from), "moved from declared {from}");
            assert_eq!(kind(from), kind(to), "{from} -> {to}");
        }
        for from in &removed {
            assert!(!declared.contains(from), "removed but declared: {from}");
            assert!(!moved.iter().any(|(f, _)| f == from), "{from}");
        }
        moves += moved.len();
        removals += removed.len();
    }
    (moves, removals)
}

#[test]
fn render_writes_the_lock_beside_the_spec_and_check_agrees() {
    let repo = Repo::acme();
    let out = repo.render_ok(&[]);
    assert!(
        stderr(&out).ends_with("; kms-gen.lock created\n"),
        "{}",
        stderr(&out)
    );
    let lock = repo.read("kms-gen.lock");
    assert!(lock.starts_with("# kms-gen lock of kms.yaml"), "{lock}");
    for line in [
        "      payments-pci-prod:\n        alias: alias/acme/payments-pci-prod\n        key_spec: SYMMETRIC_DEFAULT\n        key_usage: ENCRYPT_DECRYPT\n        multi_region: true\n        protects:\n          payments: [pci]\n        terraform: aws_kms_key.payments_pci_prod\n",
        "        cloudformation: PaymentsPciProd\n        replica:\n          region: eu-central-1\n",
        "      shared-dev:\n",
    ] {
        assert!(lock.contains(line), "{line:?} not in\n{lock}");
    }
    let check = repo.render(&["--check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stderr(&check).contains("up to date"), "{}", stderr(&check));

    let before = repo.tree();
    let again = repo.render_ok(&[]);
    assert!(
        stderr(&again).ends_with("; kms-gen.lock unchanged\n"),
        "{}",
        stderr(&again)
    );
    assert_eq!(repo.tree(), before, "a second render is a no-op");
}

#[test]
fn removing_a_workload_is_refused_naming_its_keys_and_nothing_changes() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.remove_workload("payments");
    let out = refused(&repo, &[]);
    insta::assert_snapshot!("refusal_workload_removed", refusal(&out));
    // --check refuses the same way.
    let check = refused(&repo, &["--check"]);
    assert_eq!(refusal(&check), refusal(&out));
}

#[test]
fn allow_destroy_drops_the_keys_from_the_output_and_the_lock() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.remove_workload("payments");
    let out = repo.render_ok(&[
        "--allow-destroy",
        "shared-pci-dev",
        "--allow-destroy",
        "shared-pci-test",
        "--allow-destroy",
        "payments-pci-prod",
    ]);
    assert!(
        stderr(&out).contains("destroying key `payments-pci-prod` (environment prod)"),
        "{}",
        stderr(&out)
    );
    let lock = repo.read("kms-gen.lock");
    assert!(!lock.contains("pci"), "{lock}");
    assert!(!repo.dir().join("out/terraform/prod/payments.tf").exists());
    assert!(!repo.dir().join("out/terraform/prod/removed.tf").exists());
    // The next render needs no flag, and the output is current.
    repo.render_ok(&["--check"]);
}

#[test]
fn forget_keeps_the_keys_in_aws_through_removed_blocks() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.remove_workload("payments");
    repo.render_ok(&[
        "--forget",
        "shared-pci-dev",
        "--forget",
        "shared-pci-test",
        "--forget",
        "payments-pci-prod",
    ]);
    let removed = repo.read("out/terraform/prod/removed.tf");
    for address in [
        "aws_kms_key.payments_pci_prod",
        "aws_kms_alias.payments_pci_prod",
        "aws_kms_grant.payments_pci_prod_payments_batch_decrypt",
        "aws_kms_replica_key.payments_pci_prod_replica",
        "aws_kms_alias.payments_pci_prod_replica",
    ] {
        assert!(
            removed.contains(&format!(
                "removed {{\n  from = {address}\n\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
            )),
            "{address}:\n{removed}"
        );
    }
    assert!(
        repo.read("out/terraform/dev/removed.tf")
            .contains("from = aws_kms_key.shared_pci_dev")
    );
    // The forgotten replica's provider stays; prod still has its dr_region anyway.
    assert!(
        repo.read("out/terraform/prod/providers.tf")
            .contains("alias               = \"dr\"")
    );
    let lock = repo.read("kms-gen.lock");
    assert!(
        lock.contains("    forgotten:\n      payments-pci-prod:\n"),
        "{lock}"
    );
    assert_eq!(
        assert_moves_and_removals_are_sound(&repo.dir().join("out")),
        (0, 5 + 2 * 3)
    );
    // Forgotten stays forgotten: later renders need no flag and change nothing.
    let before = repo.tree();
    repo.render_ok(&[]);
    assert_eq!(repo.tree(), before);
    repo.render_ok(&["--check"]);
}

#[test]
fn a_rename_moves_terraform_addresses_and_keeps_cloudformation_ids() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit(
        "\n  payments:\n",
        "\n  card-payments:\n    renamed_from: payments\n",
    );
    repo.render_ok(&[]);

    let moved = repo.read("out/terraform/prod/moved.tf");
    for (from, to) in [
        (
            "aws_kms_key.payments_pci_prod",
            "aws_kms_key.card_payments_pci_prod",
        ),
        (
            "aws_kms_alias.payments_pci_prod",
            "aws_kms_alias.card_payments_pci_prod_previous_1",
        ),
        (
            "aws_kms_replica_key.payments_pci_prod_replica",
            "aws_kms_replica_key.card_payments_pci_prod_replica",
        ),
        (
            "aws_kms_alias.payments_pci_prod_replica",
            "aws_kms_alias.card_payments_pci_prod_replica_previous_1",
        ),
        (
            "aws_kms_grant.payments_pci_prod_payments_batch_decrypt",
            "aws_kms_grant.card_payments_pci_prod_card_payments_batch_decrypt",
        ),
    ] {
        assert!(
            moved.contains(&format!("moved {{\n  from = {from}\n  to   = {to}\n}}\n")),
            "{from} -> {to}:\n{moved}"
        );
    }
    // A pooled key keeps its name; only the grant's address holds the workload.
    assert!(
        repo.read("out/terraform/dev/moved.tf")
            .contains("  from = aws_kms_grant.shared_pci_dev_payments_batch_decrypt\n  to   = aws_kms_grant.shared_pci_dev_card_payments_batch_decrypt\n")
    );
    assert_eq!(
        assert_moves_and_removals_are_sound(&repo.dir().join("out")),
        (5 + 1 + 1, 0)
    );
    // Both aliases, in both targets and both regions.
    let tf = repo.read("out/terraform/prod/card-payments.tf");
    let cfn = repo.read("out/cloudformation/prod.yaml");
    let dr = repo.read("out/cloudformation/prod-dr.yaml");
    for alias in [
        "alias/acme/card-payments-pci-prod",
        "alias/acme/payments-pci-prod",
    ] {
        assert_eq!(tf.matches(&format!("\"{alias}\"")).count(), 2, "{alias}");
        assert!(cfn.contains(&format!("AliasName: \"{alias}\"")), "{alias}");
        assert!(dr.contains(&format!("AliasName: \"{alias}\"")), "{alias}");
    }
    // CloudFormation keeps the key's logical id; the new alias is a new resource.
    assert!(cfn.contains("\n  PaymentsPciProd:\n    Type: AWS::KMS::Key\n"));
    assert!(!cfn.contains("CardPaymentsPciProd:\n    Type: AWS::KMS::Key"));
    assert!(cfn.contains("\n  CardPaymentsPciProdAlias:\n"));
    assert!(cfn.contains("\n  PaymentsPciProdAlias:\n"));
    assert!(dr.contains("\n  PaymentsPciProdReplica:\n    Type: AWS::KMS::ReplicaKey\n"));
    let lock = repo.read("kms-gen.lock");
    assert!(lock.contains("      card-payments-pci-prod:\n"), "{lock}");
    assert!(!lock.contains("      payments-pci-prod:\n"), "{lock}");
    assert!(
        lock.contains("        cloudformation: PaymentsPciProd\n"),
        "{lock}"
    );

    // Once applied, `renamed_from` goes: no refusal, moved.tf goes, ids stay.
    repo.edit("    renamed_from: payments\n", "");
    repo.render_ok(&[]);
    for env in ["dev", "test", "prod"] {
        assert!(
            !repo
                .dir()
                .join(format!("out/terraform/{env}/moved.tf"))
                .exists(),
            "{env}"
        );
    }
    let cfn = repo.read("out/cloudformation/prod.yaml");
    assert!(cfn.contains("\n  PaymentsPciProd:\n    Type: AWS::KMS::Key\n"));
    assert!(!cfn.contains("alias/acme/payments-pci-prod\""));
    assert!(
        repo.read("out/cloudformation/prod-dr.yaml")
            .contains("\n  PaymentsPciProdReplica:\n")
    );
    repo.render_ok(&["--check"]);
}

#[test]
fn flipping_multi_region_is_refused_as_a_replacement() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit(
        "    key_users: [\"arn:aws:iam::{account}:role/patient-records-{env}\"]\n    multi_region: true\n",
        "    key_users: [\"arn:aws:iam::{account}:role/patient-records-{env}\"]\n",
    );
    let out = refused(&repo, &[]);
    insta::assert_snapshot!("refusal_multi_region_flipped", refusal(&out));
    // --forget cannot take a key the spec still produces.
    let out = repo.render(&["--forget", "patient-records-phi-prod"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("--forget patient-records-phi-prod: the spec still produces this key"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn changing_a_key_spec_is_refused_until_allowed() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit("key_spec: ECC_NIST_P256", "key_spec: ECC_NIST_P384");
    let out = refused(&repo, &[]);
    insta::assert_snapshot!("refusal_key_spec_changed", refusal(&out));
    repo.render_ok(&[
        "--allow-destroy",
        "document-signing-confidential-test",
        "--allow-destroy",
        "document-signing-confidential-prod",
    ]);
    let lock = repo.read("kms-gen.lock");
    assert_eq!(lock.matches("key_spec: ECC_NIST_P384").count(), 2, "{lock}");
    repo.render_ok(&["--check"]);
}

#[test]
fn dropping_the_dr_region_is_refused_for_each_replica() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit("    dr_region: eu-central-1\n", "");
    let out = refused(&repo, &[]);
    insta::assert_snapshot!("refusal_replicas_dropped", refusal(&out));
}

#[test]
fn a_strategy_change_explains_where_each_workload_goes() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit(
        "    strategy: per-environment\n",
        "    strategy: per-workload-data-class\n",
    );
    let out = refused(&repo, &[]);
    insta::assert_snapshot!("refusal_strategy_changed", refusal(&out));
}

#[test]
fn flags_must_name_a_key_this_render_would_destroy() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    let before = repo.tree();
    let out = repo.render(&["--allow-destroy", "payments-pci-prd"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "error: --allow-destroy payments-pci-prd: no key is named `payments-pci-prd`; did you mean `payments-pci-prod`? (no key would be destroyed or replaced)"
        ),
        "{}",
        stderr(&out)
    );
    let out = repo.render(&["--forget", "payments-pci-prod"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("this render neither destroys nor replaces key `payments-pci-prod`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.tree(), before);
}

#[test]
fn check_fails_on_a_spec_edit_and_on_a_stale_or_missing_lock() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit("    Company: acme\n", "    Company: acme-corp\n");
    let before = repo.tree();
    let out = repo.render(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(
        diff.contains("--- a/terraform/prod/payments.tf\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+    Company     = \"acme-corp\"\n"),
        "{diff}"
    );
    assert!(!diff.contains("kms-gen.lock"), "tags are not in the lock");
    assert_eq!(repo.tree(), before, "--check wrote");
    repo.render_ok(&[]);
    repo.render_ok(&["--check"]);

    // A missing lock is stale, and the diff shows it whole.
    fs::remove_file(repo.dir().join("kms-gen.lock")).unwrap();
    let out = repo.render(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "out is stale: 0 to create, 0 to change, 0 to remove, and kms-gen.lock is missing"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("+++ b/kms-gen.lock\n"));
    assert!(!repo.dir().join("kms-gen.lock").exists());
    repo.render_ok(&[]);

    // So is a lock that differs from what render would write.
    let lock = repo.read("kms-gen.lock");
    repo.write(
        "kms-gen.lock",
        &lock.replace(
            "alias: alias/acme/shared-dev\n",
            "alias: alias/acme/old-shared-dev\n",
        ),
    );
    let out = repo.render(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("kms-gen.lock is stale"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(
            "-        alias: alias/acme/old-shared-dev\n+        alias: alias/acme/shared-dev\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn hand_written_files_are_kept_ignored_and_never_overwritten() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    let backend = "terraform {\n  backend \"s3\" {}\n}\n";
    repo.write("out/terraform/prod/backend.tf", backend);
    repo.edit("    Company: acme\n", "    Company: acme-corp\n");
    repo.render_ok(&[]);
    assert_eq!(repo.read("out/terraform/prod/backend.tf"), backend);
    repo.render_ok(&["--check"]);

    // A hand-written file where a generated one goes: refused without --force.
    let mine = "# my own payments keys\n";
    repo.write("out/terraform/prod/payments.tf", mine);
    let before = repo.tree();
    let out = repo.render(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "error: out/terraform/prod/payments.tf was not generated by kms-gen (its first line is not the generated header); refusing to overwrite it"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.tree(), before);
    // --check says render would write there.
    let check = repo.render(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains("out/terraform/prod/payments.tf was not generated by kms-gen"),
        "{}",
        stderr(&check)
    );
    repo.render_ok(&["--force"]);
    assert!(
        repo.read("out/terraform/prod/payments.tf")
            .starts_with("# Code generated by kms-gen")
    );
    assert_eq!(repo.read("out/terraform/prod/backend.tf"), backend);
}

#[test]
fn a_render_that_fails_midway_leaves_everything_as_it_was() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    // A new environment whose folder is taken by a file: staging fails after
    // other files were staged.
    repo.edit(
        "\nworkloads:\n",
        "  qa:\n    account: \"444444444444\"\n    region: eu-west-1\n    tier: nonprod\n    strategy: per-data-class\n    owner: team-platform\n    key_admins: [\"arn:aws:iam::{account}:role/platform-admins\"]\n\nworkloads:\n",
    );
    repo.edit("    Company: acme\n", "    Company: acme-corp\n");
    repo.write("out/terraform/qa", "not a folder\n");
    let before = repo.tree();
    let out = repo.render(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: out/terraform/qa"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("out was left as it was, and kms-gen.lock too"),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.tree(), before, "files changed");

    // An output folder that cannot exist: nothing written, no lock either.
    let fresh = Repo::acme();
    fresh.write("blocker", "a file\n");
    let out = fresh.render(&["--out", "blocker/out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!fresh.dir().join("kms-gen.lock").exists());
}

#[test]
fn a_corrupt_lock_is_reported_where_it_is_broken() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    let lock = repo.read("kms-gen.lock");
    repo.write(
        "kms-gen.lock",
        &lock.replacen("  dev:\n", "  dev:\n    region: eu-west-1\n", 1),
    );
    let before = repo.tree();
    let out = repo.render(&[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = lock
        .lines()
        .position(|l| l == "    region: eu-west-1")
        .unwrap()
        + 2;
    assert!(
        err.contains(&format!(
            "error: kms-gen.lock:{line}:5: duplicate mapping key: region\n"
        )),
        "{err}"
    );
    assert!(err.contains("restore it from version control"), "{err}");
    assert_eq!(repo.tree(), before);
}

#[test]
fn the_renamed_fixture_renders_its_moves() {
    let repo = Repo::fixture("renamed");
    repo.render_ok(&[]);
    let moved = repo.read("out/terraform/prod/moved.tf");
    assert!(
        moved.contains(
            "  from = aws_kms_key.payments_pci_prod\n  to   = aws_kms_key.card_payments_pci_prod\n"
        ),
        "{moved}"
    );
    assert!(repo.dir().join("out/terraform/test/moved.tf").exists());
    assert_eq!(
        assert_moves_and_removals_are_sound(&repo.dir().join("out")),
        (6, 0)
    );
    let lock = repo.read("kms-gen.lock");
    assert!(lock.contains("      card-payments-pci-prod:\n"), "{lock}");
    repo.render_ok(&["--check"]);

    // Prod keys are protected in both targets; the spec sets no deletion
    // window, so every key gets the longest, 30 days.
    let prod = repo.read("out/terraform/prod/card-payments.tf");
    assert_eq!(
        prod.matches("prevent_destroy = true").count(),
        2,
        "key and replica"
    );
    assert!(
        !repo
            .read("out/terraform/test/shared.tf")
            .contains("prevent_destroy")
    );
    for env in ["test", "prod"] {
        for file in fs::read_dir(repo.dir().join("out/terraform").join(env)).unwrap() {
            let text = fs::read_to_string(file.unwrap().path()).unwrap();
            for line in text
                .lines()
                .filter(|l| l.contains("deletion_window_in_days"))
            {
                assert!(line.ends_with("= 30"), "{line}");
            }
        }
    }
    for file in ["prod.yaml", "prod-dr.yaml", "test.yaml"] {
        let cfn = repo.read(&format!("out/cloudformation/{file}"));
        let keys = cfn.matches("    Type: AWS::KMS::Key\n").count()
            + cfn.matches("    Type: AWS::KMS::ReplicaKey\n").count();
        assert!(keys > 0, "{file}");
        assert_eq!(
            cfn.matches("Key\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n")
                .count(),
            keys,
            "{file}"
        );
        assert_eq!(
            cfn.matches("PendingWindowInDays: 30\n").count(),
            keys,
            "{file}"
        );
    }
}

#[test]
fn the_forgotten_fixture_renders_its_removals() {
    let repo = Repo::fixture("forgotten");
    let lock = repo.read("kms-gen.lock");
    repo.render_ok(&[]);
    assert_eq!(
        repo.read("kms-gen.lock"),
        lock,
        "the fixture's lock is current"
    );
    let removed = repo.read("out/terraform/prod/removed.tf");
    assert!(removed.contains("from = aws_kms_replica_key.payments_pci_prod_replica"));
    // The forgotten replica keeps prod's DR provider, though prod has no dr_region now.
    assert!(
        repo.read("out/terraform/prod/providers.tf")
            .contains("region              = \"eu-central-1\"")
    );
    // An environment that left the spec keeps a root module for its removed blocks.
    for file in ["versions.tf", "providers.tf", "removed.tf"] {
        assert!(
            repo.dir().join("out/terraform/legacy").join(file).is_file(),
            "{file}"
        );
    }
    assert_eq!(
        assert_moves_and_removals_are_sound(&repo.dir().join("out")),
        (0, 5 + 2)
    );
    repo.render_ok(&["--check"]);
}

#[test]
fn a_header_below_the_first_line_or_another_specs_header_is_not_ours() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    let header = "# Code generated by kms-gen from kms.yaml. DO NOT EDIT.\n";
    let files = [
        // The user's file with the header pasted below a line of their own.
        (
            "out/terraform/prod/locals.tf",
            format!("locals {{ x = 1 }}\n{header}"),
        ),
        // A file that merely mentions kms-gen on its first line.
        (
            "out/terraform/prod/notes.tf",
            "# Code generated by kms-gen once, kept by hand since\n".to_string(),
        ),
        // Another spec's output in the same folder.
        (
            "out/terraform/prod/other.tf",
            header.replace("kms.yaml", "other.yaml"),
        ),
    ];
    for (path, text) in &files {
        repo.write(path, text);
    }
    repo.edit("    Company: acme\n", "    Company: acme-corp\n");
    repo.render_ok(&[]);
    for (path, text) in &files {
        assert_eq!(&repo.read(path), text, "{path}");
    }
    repo.render_ok(&["--check"]);

    // Another spec's file where this render writes one: refused like a user file.
    let other = header.replace("kms.yaml", "other.yaml");
    repo.write("out/terraform/prod/payments.tf", &other);
    let before = repo.tree();
    let out = repo.render(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "error: out/terraform/prod/payments.tf was generated from another spec, other.yaml; refusing to overwrite it"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.tree(), before);
    repo.render_ok(&["--force"]);
    assert!(
        repo.read("out/terraform/prod/payments.tf")
            .starts_with(header)
    );
}

#[test]
fn a_directory_where_a_generated_file_goes_is_never_deleted() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    fs::remove_file(repo.dir().join("out/terraform/prod/payments.tf")).unwrap();
    repo.write("out/terraform/prod/payments.tf/sub/data", "precious\n");
    repo.edit("    Company: acme\n", "    Company: acme-corp\n");
    let before = repo.tree();
    for args in [&[][..], &["--force"], &["--check"]] {
        let out = repo.render(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "error: out/terraform/prod/payments.tf is a directory where render writes a file; kms-gen never deletes a directory, not even with --force: move it away"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(repo.tree(), before, "{args:?}: something changed");
    }
}

#[test]
fn a_naming_change_warns_for_each_alias_it_changes_and_keeps_the_keys() {
    let repo = Repo::acme();
    repo.render_ok(&[]);
    let keys = repo
        .read("kms-gen.lock")
        .matches("\n        alias: ")
        .count();
    repo.edit("  prefix: acme\n", "  prefix: acme-corp\n");
    let out = repo.render_ok(&[]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: the alias of key `payments-pci-prod` (environment prod) (and of its replica in eu-central-1) changes from alias/acme/payments-pci-prod to alias/acme-corp/payments-pci-prod: the key is kept, but once this is applied alias/acme/payments-pci-prod no longer exists, so applications using it must switch to alias/acme-corp/payments-pci-prod first; to keep the old alias, put back the `naming` (prefix or alias pattern) that gave it\n"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches("warning: the alias of key ").count(),
        keys,
        "{err}"
    );
    let lock = repo.read("kms-gen.lock");
    assert!(
        lock.contains("alias: alias/acme-corp/payments-pci-prod\n"),
        "{lock}"
    );
    // Said once: the next render has nothing to warn about.
    let again = repo.render_ok(&[]);
    assert!(
        !stderr(&again).contains("the alias of key"),
        "{}",
        stderr(&again)
    );

    // A rename keeps the old alias beside the new one: no warning.
    repo.edit(
        "\n  payments:\n",
        "\n  card-payments:\n    renamed_from: payments\n",
    );
    let out = repo.render_ok(&[]);
    assert!(
        !stderr(&out).contains("the alias of key"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_lock_that_cannot_be_written_never_leaves_new_keys_unprotected() {
    use kms_gen::commands::Exit;
    // Adding keys: the lock is written first, so when it cannot be, nothing is.
    let repo = Repo::acme();
    repo.render_ok(&[]);
    repo.edit(
        "\nworkloads:\n",
        "  qa:\n    account: \"444444444444\"\n    region: eu-west-1\n    tier: nonprod\n    strategy: per-data-class\n    owner: team-platform\n    key_admins: [\"arn:aws:iam::{account}:role/platform-admins\"]\n\nworkloads:\n",
    );
    let obstacle = repo.block_the_lock();
    let before = repo.tree();
    assert_eq!(repo.render_in_process(&[]), Exit::Error);
    assert_eq!(repo.tree(), before, "wrote despite the lock failing");
    assert!(!repo.dir().join("out/terraform/qa").exists());
    fs::remove_dir_all(&obstacle).unwrap();
    repo.render_ok(&[]);
    assert!(repo.read("kms-gen.lock").contains("\n  qa:\n"));

    // Dropping keys: the lock is written last, so when it cannot be, the old
    // lock still guards the keys the new output no longer has.
    repo.remove_workload("payments");
    let destroy = [
        "--allow-destroy",
        "shared-pci-dev",
        "--allow-destroy",
        "shared-pci-test",
        "--allow-destroy",
        "shared-pci-qa",
        "--allow-destroy",
        "payments-pci-prod",
    ];
    let lock = repo.read("kms-gen.lock");
    let obstacle = repo.block_the_lock();
    assert_eq!(repo.render_in_process(&destroy), Exit::Error);
    assert!(!repo.dir().join("out/terraform/prod/payments.tf").exists());
    assert_eq!(repo.read("kms-gen.lock"), lock);
    fs::remove_dir_all(&obstacle).unwrap();
    refused(&repo, &[]);
    repo.render_ok(&destroy);
    assert!(!repo.read("kms-gen.lock").contains("payments-pci-prod"));
    repo.render_ok(&["--check"]);
}
