#!/usr/bin/env bash
# COMMON account: the dashboard user (or role) allowed only to assume the
# connect-metrics roles of DEPARTMENT and ENV in the customer accounts.
set -euo pipefail
USAGE="usage: scripts/deploy-common.sh DEPARTMENT ENV [--principal-type User|Role] [--trusted-principal-arn ARN]
  DEPARTMENT  department code, e.g. ccm (lower-case letters and digits)
  ENV         dev, test or prod
  Run with the common account's credentials (AWS_PROFILE=...)."
source "$(dirname "${BASH_SOURCE[0]}")/cfn-stack.sh"

help_if_asked "$@"
[[ $# -ge 2 ]] || fail_usage "expected DEPARTMENT and ENV"
DEPARTMENT="$1" ENV="$2"
shift 2
PRINCIPAL_TYPE=User TRUSTED=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --principal-type) need_value "$@"; PRINCIPAL_TYPE="$2"; shift 2 ;;
    --trusted-principal-arn) need_value "$@"; TRUSTED="$2"; shift 2 ;;
    *) fail_usage "unknown argument \"$1\"" ;;
  esac
done
check_name DEPARTMENT "$DEPARTMENT" 12
check_env "$ENV"
[[ "$PRINCIPAL_TYPE" == User || "$PRINCIPAL_TYPE" == Role ]] ||
  fail_usage "--principal-type \"$PRINCIPAL_TYPE\": expected User or Role"

STACK="connect-metrics-common-$DEPARTMENT-$ENV"
deploy_stack "$STACK" "$SCRIPTS_DIR/templates/common.yaml" \
  "Department=$DEPARTMENT" "Environment=$ENV" "PrincipalType=$PRINCIPAL_TYPE" "TrustedPrincipalArn=$TRUSTED"

# For deploy-customer.sh on this machine. Not being able to note it costs only a flag there.
PRINCIPAL=$(aws_cli cloudformation describe-stacks --stack-name "$STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='DashboardPrincipalArn'].OutputValue" --output text)
NOTED="$(noted_principal_file "$DEPARTMENT" "$ENV")"
if mkdir -p "$(dirname "$NOTED")" 2>/dev/null && echo "$PRINCIPAL" >"$NOTED" 2>/dev/null; then
  echo "noted for deploy-customer.sh on this machine: $NOTED"
else
  echo "warning: cannot write $NOTED: give deploy-customer.sh --principal-arn $PRINCIPAL" >&2
fi
