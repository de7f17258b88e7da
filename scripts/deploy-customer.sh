#!/usr/bin/env bash
# CUSTOMER account: the read-only role the common account's dashboard
# principal assumes to read CLIENT's Amazon Connect queue metrics.
set -euo pipefail
USAGE="usage: scripts/deploy-customer.sh DEPARTMENT CLIENT ENV [--common-account-id ID] [--principal-arn ARN] [--instance-id ID] [--external-id X] [--allow-discovery]
  DEPARTMENT  department code, e.g. ccm (as given to deploy-common.sh)
  CLIENT      customer name, e.g. tradeuk (lower-case letters and digits)
  ENV         dev, test or prod
  --common-account-id  the COMMON account (or COMMON_ACCOUNT_ID in the environment); default: --principal-arn's
  --principal-arn      the dashboard principal (deploy-common.sh's DashboardPrincipalArn); default: the one
                       deploy-common.sh DEPARTMENT ENV deployed from this machine, else the dashboard user
  --instance-id        scope the role to this Connect instance (default: every instance in the account)
  --external-id        require this sts:ExternalId (or EXTERNAL_ID in the environment)
  --allow-discovery    also allow ListInstances and ListQueues, for connect-metrics discover
  Run with the customer account's credentials (AWS_PROFILE=...). The RoleArn output goes in the client's config."
source "$(dirname "${BASH_SOURCE[0]}")/cfn-stack.sh"

help_if_asked "$@"
[[ $# -ge 3 ]] || fail_usage "expected DEPARTMENT, CLIENT and ENV"
DEPARTMENT="$1" CLIENT="$2" ENV="$3"
shift 3
COMMON="${COMMON_ACCOUNT_ID:-}" PRINCIPAL="" INSTANCE="*" EXTERNAL="${EXTERNAL_ID:-}" DISCOVERY=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --common-account-id) need_value "$@"; COMMON="$2"; shift 2 ;;
    --principal-arn) need_value "$@"; PRINCIPAL="$2"; shift 2 ;;
    --instance-id) need_value "$@"; INSTANCE="$2"; shift 2 ;;
    --external-id) need_value "$@"; EXTERNAL="$2"; shift 2 ;;
    --allow-discovery) DISCOVERY=true; shift ;;
    *) fail_usage "unknown argument \"$1\"" ;;
  esac
done
check_name DEPARTMENT "$DEPARTMENT" 12
check_name CLIENT "$CLIENT" 20
check_env "$ENV"
NOTED="$(noted_principal_file "$DEPARTMENT" "$ENV")"
if [[ -z "$PRINCIPAL" && -s "$NOTED" ]]; then
  NOTED_PRINCIPAL="$(<"$NOTED")"
  if [[ -z "$COMMON" || "$NOTED_PRINCIPAL" == arn:aws*:iam::"$COMMON":* ]]; then
    PRINCIPAL="$NOTED_PRINCIPAL"
    echo "dashboard principal $PRINCIPAL (deployed from this machine by deploy-common.sh: $NOTED)"
  fi
fi
if [[ -z "$COMMON" && "$PRINCIPAL" =~ ^arn:aws[a-z-]*:iam::([0-9]{12}): ]]; then COMMON="${BASH_REMATCH[1]}"; fi
[[ "$COMMON" =~ ^[0-9]{12}$ ]] || fail_usage "--common-account-id \"$COMMON\": expected the 12-digit COMMON account id \
(not needed after deploy-common.sh $DEPARTMENT $ENV on this machine)"
[[ "$INSTANCE" == "*" || "$INSTANCE" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
  fail_usage "--instance-id \"$INSTANCE\": expected a Connect instance id (a GUID)"
[[ -z "$PRINCIPAL" || "$PRINCIPAL" =~ ^arn:aws[a-z-]*:iam::$COMMON:(user|role)/ ]] ||
  fail_usage "--principal-arn: expected a user or role ARN in account $COMMON"

deploy_stack "connect-metrics-customer-$DEPARTMENT-$CLIENT-$ENV" "$SCRIPTS_DIR/templates/customer.yaml" \
  "Department=$DEPARTMENT" "Client=$CLIENT" "Environment=$ENV" "CommonAccountId=$COMMON" \
  "CommonPrincipalArn=$PRINCIPAL" "ExternalId=$EXTERNAL" "InstanceId=$INSTANCE" \
  "AllowDiscovery=$DISCOVERY"
