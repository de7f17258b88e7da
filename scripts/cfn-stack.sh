# Shared by deploy-common.sh and deploy-customer.sh (sourced, not run).
# Argument checks that exit 2 with the usage line, and one way to deploy a
# CloudFormation stack and print its outputs.

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail_usage() {
  echo "error: $1" >&2
  echo "$USAGE" >&2
  exit 2
}

# help_if_asked ARGS...: --help or -h anywhere prints the usage and exits 0.
help_if_asked() {
  local arg
  for arg in "$@"; do
    if [[ "$arg" == --help || "$arg" == -h ]]; then
      echo "$USAGE"
      exit 0
    fi
  done
}

# need_value FLAG [NEXT]: a flag needs a value after it, not the end of the line or another flag.
need_value() {
  [[ $# -ge 2 && "$2" != --* ]] || fail_usage "$1: expected a value after it"
}

# check_name WHAT VALUE MAXLEN: lower-case letters and digits, starting with a letter.
check_name() {
  [[ "$2" =~ ^[a-z][a-z0-9]*$ && ${#2} -le $3 ]] ||
    fail_usage "$1 \"$2\": expected 1 to $3 lower-case letters or digits, starting with a letter"
}

check_env() {
  [[ "$1" == dev || "$1" == test || "$1" == prod ]] || fail_usage "ENV \"$1\": expected dev, test or prod"
}

# noted_principal_file DEPARTMENT ENV: where deploy-common.sh notes the dashboard principal it deployed, so that
# deploy-customer.sh on the same machine needs only DEPARTMENT CLIENT ENV, as in 2019.
noted_principal_file() {
  echo "${XDG_CONFIG_HOME:-$HOME/.config}/connect-metrics/deployed-common-$1-$2.arn"
}

# The AWS CLI, with --endpoint-url when AWS_ENDPOINT_URL is set (tests, LocalStack, moto).
aws_cli() {
  if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"
  else
    aws "$@"
  fi
}

# deploy_stack STACK TEMPLATE KEY=VALUE...: create the stack, or update it, wait, print its outputs.
deploy_stack() {
  local stack="$1" template="$2"
  shift 2
  local params=()
  for kv in "$@"; do params+=("ParameterKey=${kv%%=*},ParameterValue=${kv#*=}"); done
  if aws_cli cloudformation describe-stacks --stack-name "$stack" >/dev/null 2>&1; then
    echo "updating stack $stack"
    local out
    if ! out=$(aws_cli cloudformation update-stack --stack-name "$stack" --template-body "file://$template" \
      --capabilities CAPABILITY_NAMED_IAM --parameters "${params[@]}" 2>&1); then
      if [[ "$out" == *"No updates are to be performed"* ]]; then
        echo "stack $stack is already up to date"
      else
        echo "error: $out" >&2
        exit 1
      fi
    else
      aws_cli cloudformation wait stack-update-complete --stack-name "$stack"
    fi
  else
    echo "creating stack $stack"
    aws_cli cloudformation create-stack --stack-name "$stack" --template-body "file://$template" \
      --capabilities CAPABILITY_NAMED_IAM --parameters "${params[@]}" >/dev/null
    aws_cli cloudformation wait stack-create-complete --stack-name "$stack"
  fi
  aws_cli cloudformation describe-stacks --stack-name "$stack" \
    --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
}
