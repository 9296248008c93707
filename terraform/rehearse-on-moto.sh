#!/usr/bin/env bash
# Rehearses the whole stack on moto_server, Glue, Athena and budgets included, without an AWS account:
# terraform apply, then a plan that must find nothing to change, then terraform destroy.
#
#   mvn -B -q package -DskipTests          # the two jars the stack uploads
#   terraform/rehearse-on-moto.sh [-var name=value ...]
#
# moto_server (pip install "moto[server]") is started through rehearse-on-moto.py, which fills the
# gaps of moto 5.2.1 a rehearsal meets (the Budgets calls that read a budget back or update it, budget actions,
# aws:SecureTransport in bucket policies, the format of an SQS RedrivePolicy, Lambda's SnapStart setting
# and the FunctionArn of an event source mapping on an alias, and force_destroy's deletion of a delete
# marker by its version id once the bucket's versioning is suspended; and EventBridge
# TestEventPattern, for mvn verify's DeployRehearsalIT), on a free loopback port with https (-s, a
# self-signed certificate, which emulator_endpoint's `insecure` accepts): the buckets' policies deny
# plain-http requests, as on AWS.
# Terraform runs on a copy of terraform/ in a temporary directory, so no state, .terraform/ or lock
# file is left in the repository; the AWS provider comes from the filesystem mirror TF_PROVIDER_MIRROR
# (default /opt/tf-plugins) when it holds one, else from the registry. Extra arguments go to apply, plan and destroy alike (e.g. -var kms_encryption=true).
# A -var-file that is a relative path is read from the directory the script is run from (it is made
# absolute before Terraform runs in the copy); the copy leaves out every *.tfvars, so a terraform.tfvars
# beside the stack is read only when given so (-var-file=terraform.tfvars from terraform/). Relative paths
# in variables (schema_contracts_dir) are Terraform's, read from terraform/ as in a deployment: the
# repository's other folders are linked beside the copy, so "../sample-data" is the sample data's. The script
# sets environment=moto before the arguments, which they may override, and force_destroy=true and the
# emulator's endpoint after them, which they may not: a rehearsal never reaches AWS and always destroys.
# Exits non-zero when a step fails or the second plan shows a change; the logs of moto and of each step
# are then kept in $REHEARSAL_LOGS (default /tmp/rehearse-on-moto-logs), and always when it is set.
# --upgrade-from DIR rehearses an upgrade instead of a first apply: DIR is an older checkout with its jars
# built (git worktree add DIR COMMIT; mvn -B -q package -DskipTests there); its stack is applied first, data
# put in it, then this checkout's plan is saved (upgrade-plan.json in the logs) and applied on its state,
# failing on a destruction or replacement of what holds data, or on data lost (rehearse-upgrade.py).
# See docs/deploy-rehearsal.md, "Rehearsing on an emulator" and "Rehearsing an upgrade".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# The arguments, each relative -var-file made absolute against the directory the script is run from
# (Terraform runs in a copy of terraform/). Terraform reads -var and -var-file in the order given, a
# later one winning: see inputs below.
arguments=()
upgrade_from=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --upgrade-from=*) upgrade_from="${1#--upgrade-from=}" ;;
        --upgrade-from)
            if [ "$#" -lt 2 ]; then
                echo "rehearse-on-moto: --upgrade-from needs the directory of an older checkout" >&2
                exit 2
            fi
            upgrade_from="$2"
            shift ;;
        --var-file=* | --var-file) set -- "${1#-}" "${@:2}"; continue ;;
        -var-file=/*) arguments+=("$1") ;;
        -var-file=*) arguments+=("-var-file=$PWD/${1#-var-file=}") ;;
        -var-file)
            if [ "$#" -lt 2 ]; then
                echo "rehearse-on-moto: -var-file needs a file" >&2
                exit 2
            fi
            case "$2" in /*) arguments+=("-var-file=$2") ;; *) arguments+=("-var-file=$PWD/$2") ;; esac
            shift ;;
        *) arguments+=("$1") ;;
    esac
    shift
done
for argument in "${arguments[@]+"${arguments[@]}"}"; do
    case "$argument" in
        -var-file=*)
            if [ ! -f "${argument#-var-file=}" ]; then
                echo "rehearse-on-moto: ${argument#-var-file=} is not a file" >&2
                exit 2
            fi ;;
    esac
done

if [ -n "$upgrade_from" ]; then
    upgrade_from="$(cd "$upgrade_from" 2>/dev/null && pwd)" || {
        echo "rehearse-on-moto: --upgrade-from names no directory: give an older checkout (git worktree add DIR COMMIT)" >&2
        exit 2
    }
    if [ ! -d "$upgrade_from/terraform" ]; then
        echo "rehearse-on-moto: $upgrade_from/terraform is missing: --upgrade-from takes the root of an older checkout" >&2
        exit 2
    fi
fi
for checkout in "$root" ${upgrade_from:+"$upgrade_from"}; do
    for jar in gold-ctas/target/gold-ctas.jar silver-converter/target/silver-converter.jar; do
        if [ ! -f "$checkout/$jar" ]; then
            echo "rehearse-on-moto: $checkout/$jar is missing: run mvn -B -q package -DskipTests there first" >&2
            exit 2
        fi
    done
done
if ! python3 -c 'import moto.server' 2>/dev/null; then
    echo "rehearse-on-moto: python3 cannot import moto.server: pip install \"moto[server]\"" >&2
    exit 2
fi
for tool in terraform python3 curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "rehearse-on-moto: $tool is not on the PATH" >&2
        exit 2
    fi
done

work="$(mktemp -d)"
moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    if [ "${status:-1}" -ne 0 ] || [ -n "${REHEARSAL_LOGS:-}" ]; then
        logs="${REHEARSAL_LOGS:-${TMPDIR:-/tmp}/rehearse-on-moto-logs}"
        mkdir -p "$logs" && cp "$work"/*.log "$logs"/ 2>/dev/null || true
        cp "$work"/*.json "$logs"/ 2>/dev/null || true # --upgrade-from: the plan as JSON, the outputs, what was held
        echo "rehearse-on-moto: logs of moto and of each terraform step in $logs" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# moto_server as rehearse-on-moto.py starts it: moto's own, plus the Budgets calls moto 5.2.1 lacks
# and the provider makes (DescribeSubscribersForNotification, tags, budget actions).
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="https://127.0.0.1:$port"
python3 "$root/terraform/rehearse-on-moto.py" -H 127.0.0.1 -p "$port" -s >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 60); do
    if curl -ksf "$endpoint/moto-api/data.json" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        cat "$work/moto.log" >&2
        echo "rehearse-on-moto: moto_server did not start" >&2
        exit 1
    fi
    sleep 0.5
done
echo "rehearse-on-moto: moto $(python3 -c 'import moto; print(moto.__version__)') at $endpoint (pid $moto_pid)"

# Beside the copy, a link to each of the repository's other folders, so that a path relative to the
# stack's directory reads what it reads from terraform/: the jars at ../gold-ctas/target and
# ../silver-converter/target, and a relative schema_contracts_dir (the example's "../sample-data").
copy_stack() { # copy_stack CHECKOUT DIRECTORY: DIRECTORY/terraform, and a link to each other folder beside it
    mkdir -p "$2/terraform"
    tar -C "$1/terraform" --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' --exclude='*.tfvars' -cf - . \
        | tar -C "$2/terraform" -xf -
    for folder in "$1"/*/; do
        folder="${folder%/}"
        if [ "${folder##*/}" != terraform ]; then
            ln -s "$folder" "$2/${folder##*/}"
        fi
    done
}
copy_stack "$root" "$work"

mirror="${TF_PROVIDER_MIRROR:-/opt/tf-plugins}"
if [ -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
    cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
EOF
else
    : >"$work/cli.tfrc"
fi

export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
# An action moto lacks answers 500, which the provider would retry for many minutes: fail fast instead.
export AWS_MAX_ATTEMPTS=3
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
# environment=moto unless the arguments name another; never without force_destroy or the emulator.
inputs=(-var environment=moto "${arguments[@]+"${arguments[@]}"}" -var force_destroy=true -var "emulator_endpoint=$endpoint")

# --upgrade-from: the older checkout's stack applied first, in a copy of its own, and data put in what it
# created; its state then goes to today's copy, whose first step is the upgrade: a saved plan, every
# destruction and replacement in it listed (rehearse-upgrade.py fails on one that holds data), applied.
if [ -n "$upgrade_from" ]; then
    copy_stack "$upgrade_from" "$work/old"
    cd "$work/old/terraform"
    echo "rehearse-on-moto: terraform apply of $upgrade_from ($(git -C "$upgrade_from" log -1 --format=%h 2>/dev/null || echo 'not a git checkout'))"
    terraform init -no-color >"$work/old-init.log" 2>&1 || { cat "$work/old-init.log"; exit 1; }
    if ! terraform apply -no-color -auto-approve "${inputs[@]}" >"$work/old-apply.log" 2>&1; then
        sed -n '/^\(│ \)\?Error/,$p' "$work/old-apply.log"
        echo "rehearse-on-moto: terraform apply of the older stack failed" >&2
        exit 1
    fi
    grep -E '^Apply complete' "$work/old-apply.log"
    terraform output -json >"$work/old-outputs.json"
    python3 "$root/terraform/rehearse-upgrade.py" seed "$endpoint" "$work/old-outputs.json" "$root/sample-data" "$work/held.json"
    cp terraform.tfstate "$work/terraform/terraform.tfstate"
fi

cd "$work/terraform"
terraform init -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
grep -E '^- (Installed|Using) ' "$work/init.log" || true

status=0
applied=0
if [ -n "$upgrade_from" ]; then
    echo "rehearse-on-moto: terraform plan of the upgrade, saved, then applied"
    if terraform plan -no-color -out="$work/upgrade.tfplan" "${inputs[@]}" >"$work/upgrade-plan.log" 2>&1; then
        terraform show -json "$work/upgrade.tfplan" >"$work/upgrade-plan.json"
        grep -E '^Plan:' "$work/upgrade-plan.log" || true
        python3 "$root/terraform/rehearse-upgrade.py" plan "$work/upgrade-plan.json" || status=1
        if terraform apply -no-color "$work/upgrade.tfplan" >"$work/apply.log" 2>&1; then
            applied=1
        fi
    else
        sed -n '/^\(│ \)\?Error/,$p' "$work/upgrade-plan.log"
        echo "rehearse-on-moto: terraform plan of the upgrade failed" >&2
        status=1
    fi
else
    echo "rehearse-on-moto: terraform apply"
    if terraform apply -no-color -auto-approve "${inputs[@]}" >"$work/apply.log" 2>&1; then
        applied=1
    fi
fi
if [ "$applied" -eq 1 ]; then
    grep -E '^Apply complete' "$work/apply.log"
    if [ -n "$upgrade_from" ]; then
        terraform output -json >"$work/outputs.json"
        python3 "$root/terraform/rehearse-upgrade.py" check "$endpoint" "$work/outputs.json" "$work/held.json" "$work/upgrade-plan.json" || status=1
    fi
    echo "rehearse-on-moto: terraform plan -detailed-exitcode (0: nothing to change)"
    plan_status=0
    terraform plan -no-color -detailed-exitcode "${inputs[@]}" >"$work/plan.log" 2>&1 || plan_status=$?
    if [ "$plan_status" -eq 0 ]; then
        grep -E '^No changes' "$work/plan.log" || true
    else
        grep -vE '^\S.*: (Refreshing state|Reading|Read complete)' "$work/plan.log"
        echo "rehearse-on-moto: the plan after apply exited $plan_status (2: changes, 1: an error)" >&2
        status=1
    fi
elif [ -f "$work/apply.log" ]; then
    sed -n '/^\(│ \)\?Error/,$p' "$work/apply.log"
    echo "rehearse-on-moto: terraform apply failed" >&2
    status=1
fi

echo "rehearse-on-moto: terraform destroy"
if terraform destroy -no-color -auto-approve "${inputs[@]}" >"$work/destroy.log" 2>&1; then
    grep -E '^Destroy complete' "$work/destroy.log"
else
    sed -n '/^\(│ \)\?Error/,$p' "$work/destroy.log"
    echo "rehearse-on-moto: terraform destroy failed" >&2
    status=1
fi
exit "$status"
