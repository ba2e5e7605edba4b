#!/usr/bin/env bash
# The AWS CDK CLI on rcdk's cloud assemblies: `cdk ls`, `cdk synth`, `cdk diff --template`, and `cdk deploy --app
# <assembly>` (no bootstrap stack) against moto's server on 127.0.0.1.
#
# Usage: tests/deploy/cdk.sh VENV_DIR CDK_BIN ARTICLE_ASSEMBLY NATIVE_ASSEMBLY MULTI_STACK_ASSEMBLY TAGS_ASSEMBLY
#   CDK_BIN: the pinned `cdk` executable (aws-cdk from npm); the assemblies are example outputs
#   (kinesis_snowflake, kinesis_snowflake_native, multi_stack, tags).
#
# Known limit of the emulator: moto executes change sets without recording stack outputs or exports,
# so the multi-stack app (which imports the first stack's exports) is deployed with
# `--method=direct` (CreateStack/UpdateStack, which moto handles fully); on AWS both methods work.
set -euo pipefail
venv=$1 cdk=$2 article=$3 native=$4 multi=$5 tagged=$6
port=${MOTO_PORT:-5056}
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_ENDPOINT_URL=$endpoint CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1
aws() { "$venv/bin/aws" "$@"; }
# TESTING_CDK=1 makes the CLI validate manifest.json against the cloud-assembly JSON schema.
cdk() { TESTING_CDK=1 "$cdk" --no-notices "$@" 2> >(grep -v -e NodeVersionSupportWarning -e 'node >=22' \
  -e 'SDK for JavaScript' -e 'first week of' -e 'continue receiving' -e 'security updates' \
  -e 'a.co/' -e 'trace-warnings' >&2); }
fail() { echo "cdk: FAILED: $*" >&2; exit 1; }

"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/moto-cdk.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "$endpoint/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "cdk: $("$cdk" --version 2>/dev/null)"
[ "$(cdk ls --app "$article")" = KinesisSnowflakeStack ] || fail "cdk ls of the article's assembly"
[ "$(cdk ls --app "$multi" | sort | tr '\n' ' ')" = "ConsumerStack DataStack " ] || fail "cdk ls of multi_stack"
echo "cdk: ls ok"
# synth of an assembly folder reads it (runs no program) and prints the template as YAML.
out=$(cdk synth --app "$article" KinesisSnowflakeStack) || fail "cdk synth: $out"
grep -q "Type: AWS::Kinesis::Stream" <<<"$out" || fail "cdk synth printed no stream: $out"
echo "cdk: synth ok"

# diff --template: the assembly against a template file; no differences with its own template, and
# the two article variants differ (the custom resource becomes a native resource policy).
for dir in "$article" "$native"; do
  out=$(cdk diff --app "$dir" --template "$dir"/KinesisSnowflakeStack.template.json 2>&1)
  grep -q "There were no differences" <<<"$out" || fail "cdk diff of $dir with its own template: $out"
done
out=$(cdk diff --app "$native" --template "$article"/KinesisSnowflakeStack.template.json 2>&1 || true)
grep -q "AWS::Kinesis::ResourcePolicy" <<<"$out" || fail "cdk diff article -> native shows no resource policy: $out"
echo "cdk: diff --template ok"

# The article's stack; the dynamic reference needs the secret to exist first (docs/guide.md).
aws secretsmanager create-secret --name Snowflake/PrivateKey --secret-string "not-a-real-key" >/dev/null
cdk deploy --app "$article" --require-approval never \
  --parameters KinesisSnowflakeStack:SnowflakeDatabase=smoke_db \
  --parameters KinesisSnowflakeStack:ProducerRoleArn=arn:aws:iam::210987654321:role/data-producer \
  >/dev/null 2>&1 || fail "cdk deploy of the article's stack"
status=$(aws cloudformation describe-stacks --stack-name KinesisSnowflakeStack --query 'Stacks[0].StackStatus' --output text)
[ "$status" = CREATE_COMPLETE ] || fail "KinesisSnowflakeStack is $status"
aws cloudformation describe-stacks --stack-name CDKToolkit >/dev/null 2>&1 && fail "a bootstrap stack appeared"
echo "cdk: deploy of KinesisSnowflakeStack ok (no bootstrap stack)"

# The multi-stack app: deployed in dependency order (DataStack first although listed second).
log=$(cdk deploy --app "$multi" --all --method=direct --require-approval never 2>&1) || fail "cdk deploy --all: $log"
first=$(grep -o '^[A-Za-z]*Stack: deploying' <<<"$log" | head -1)
[ "$first" = "DataStack: deploying" ] || fail "DataStack was not deployed first: $log"
for stack in DataStack ConsumerStack; do
  status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text)
  [ "$status" = CREATE_COMPLETE ] || fail "$stack is $status"
done
stream_arn=$(aws kinesis describe-stream-summary --stream-name "$(aws cloudformation describe-stack-resources \
  --stack-name DataStack --query "StackResources[?LogicalResourceId=='Stream790BDEE4'].PhysicalResourceId | [0]" \
  --output text)" --query StreamDescriptionSummary.StreamARN --output text)
role=$(aws cloudformation describe-stack-resources --stack-name ConsumerStack \
  --query "StackResources[?ResourceType=='AWS::IAM::Role'].PhysicalResourceId | [0]" --output text)
policy=$(aws iam list-role-policies --role-name "$role" --query 'PolicyNames[0]' --output text)
aws iam get-role-policy --role-name "$role" --policy-name "$policy" --output json | grep -qF "$stream_arn" ||
  fail "the consumer's policy does not name the imported stream ARN $stream_arn"
echo "cdk: deploy --all of DataStack, ConsumerStack ok (imported stream ARN in the reader's policy)"

# Stack-level tags (`Tags::of(&mut stack)`): manifest.json's artifact `tags`, which `cdk deploy` passes to
# CloudFormation as the stack's own tags (and CloudFormation then to every resource that takes tags).
cdk deploy --app "$tagged" --require-approval never >/dev/null 2>&1 || fail "cdk deploy of TaggedStack"
tags=$(aws cloudformation describe-stacks --stack-name TaggedStack \
  --query 'sort_by(Stacks[0].Tags, &Key)[].[Key, Value]' --output text | tr '\t\n' '= ')
[ "$tags" = "backup=daily cost-center=42 project=pipeline team=platform " ] || fail "TaggedStack's stack tags: $tags"
echo "cdk: deploy of TaggedStack ok (stack tags: $tags)"
