#!/usr/bin/env bash
# Deploy smoke test: `aws cloudformation deploy` of the example templates against a local AWS
# emulator (moto's server, 127.0.0.1 only), then checks that the key, stream, roles and policies exist.
#
# Usage: tests/deploy/smoke.sh VENV_DIR TEMPLATE_DIR...   (each TEMPLATE_DIR holds one example's output;
# a folder with IngestStack.template.json is the production pipeline's multi-stack assembly)
#
# Known limits of the emulator, documented here and not worked around in the library:
# - it accepts AWS::KinesisFirehose::DeliveryStream (and other types it does not model, such as
#   Custom::AWS and AWS::Kinesis::ResourcePolicy) without creating anything: describe-stack-resources
#   lists them with no logical ID, so they are not checked here;
# - it never runs Lambda code, so the Custom::AWS stream policy is not actually applied;
# - it creates the stream but does not apply StreamEncryption (describe-stream-summary says NONE),
#   so encryption is asserted on the template (tests/article.rs), not here;
# - `kms describe-key` fails on keys whose policy is an object, so the key is checked with list-keys;
# - the dynamic reference {{resolve:secretsmanager:Snowflake/PrivateKey...}} needs the secret to exist,
#   exactly as on AWS: the test creates it first, as docs/guide.md tells users to.
set -euo pipefail
venv=$1
shift
port=${MOTO_PORT:-5055}
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { "$venv/bin/aws" --endpoint-url "$endpoint" "$@"; }

"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/moto-smoke.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "$endpoint/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done

fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
# describe-stack-resources, not describe-stack-resource: the latter crashes in moto when the stack
# holds resources it does not model.
physical() { aws cloudformation describe-stack-resources --stack-name "$1" \
  --query "StackResources[?LogicalResourceId=='$2'].PhysicalResourceId | [0]" --output text; }

aws secretsmanager create-secret --name Snowflake/PrivateKey --secret-string "not-a-real-key" >/dev/null

checks=0
n=0

# The production pipeline (examples/production_pipeline.rs): several stacks in one assembly, deployed
# in the manifest's order (producer stacks before IngestStack, whose key and stream policies name the
# producer roles); then checks each producer role, the key policy statement for each producer and the
# stream resource policy. The emulator runs every stack in one account and region; the environments
# in the manifest are checked by tests/production_pipeline.rs.
deploy_pipeline() {
  local dir=$1 order name stack pipeline_secret
  # As docs/operating.md says: the secret exists before the stack, which takes its full ARN.
  pipeline_secret=$(aws secretsmanager create-secret --name Snowflake/Firehose \
    --secret-string '{"user":"FIREHOSE_USER","private_key":"not-a-real-key"}' --query ARN --output text)
  order=$(python3 - "$dir/manifest.json" <<'PY'
import json, sys
artifacts = json.load(open(sys.argv[1]))["artifacts"]
done = []
while len(done) < len(artifacts):
    ready = [n for n, a in artifacts.items() if n not in done and all(d in done for d in a.get("dependencies", []))]
    if not ready:
        sys.exit("dependency cycle in manifest.json")
    done += sorted(ready)
print("\n".join(done))
PY
)
  for name in $order; do
    stack="RcdkSmoke-$name"
    echo "smoke: deploying $name as $stack"
    case "$name" in
      IngestStack)
        aws cloudformation deploy --template-file "$dir/$name.template.json" --stack-name "$stack" \
          --capabilities CAPABILITY_IAM --parameter-overrides AlarmEmail=oncall@example.com \
          "SnowflakeSecretArn=$pipeline_secret" >/dev/null ;;
      *)
        aws cloudformation deploy --template-file "$dir/$name.template.json" --stack-name "$stack" \
          --capabilities CAPABILITY_NAMED_IAM >/dev/null ;;
    esac
    status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text)
    [ "$status" = CREATE_COMPLETE ] || fail "$stack is $status"
    checks=$((checks + 1))
  done
  for name in $order; do
    case "$name" in ClickstreamProducer-*) ;; *) continue ;; esac
    local region=${name##*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-}
    local role_name="clickstream-producer-$region"
    [ "$(physical "RcdkSmoke-$name" ProducerRole1F1AC001)" = "$role_name" ] || fail "producer role $role_name missing"
    aws iam get-role-policy --role-name "$role_name" --policy-name ProducerRoleDefaultPolicy7AF51AA1 --output json |
      grep -q 'stream/clickstream-events' || fail "$role_name may not write to the stream"
    aws iam get-role-policy --role-name "$role_name" --policy-name ProducerRoleDefaultPolicy7AF51AA1 --output json |
      grep -q 'kms:GenerateDataKey' || fail "$role_name may not use the stream key"
    local key
    key=$(physical RcdkSmoke-IngestStack Key961B73FD)
    aws kms get-key-policy --key-id "$key" --policy-name default --output text | grep -q "role/$role_name" ||
      fail "key policy has no statement for $role_name"
    # The emulator accepts AWS::Kinesis::ResourcePolicy without applying it: check the deployed template.
    aws cloudformation get-template --stack-name RcdkSmoke-IngestStack --output json |
      grep -q "role/$role_name" || fail "stream resource policy does not name $role_name"
    checks=$((checks + 5))
    echo "smoke: producer $role_name ok (role, stream grant, key grant, key policy, stream policy)"
  done
}

for dir in "$@"; do
  if [ -f "$dir/IngestStack.template.json" ]; then
    deploy_pipeline "$dir"
    continue
  fi
  n=$((n + 1))
  stack="RcdkSmoke$n"
  template=$(ls "$dir"/*.template.json | head -1)
  echo "smoke: deploying $template as $stack"
  aws cloudformation deploy --template-file "$template" --stack-name "$stack" --capabilities CAPABILITY_IAM \
    --parameter-overrides SnowflakeDatabase=smoke_db \
    ProducerRoleArn=arn:aws:iam::210987654321:role/data-producer >/dev/null
  status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text)
  [ "$status" = CREATE_COMPLETE ] || fail "$stack is $status"

  key=$(physical "$stack" Key961B73FD)
  aws kms list-keys --query 'Keys[].KeyId' --output text | tr '\t' '\n' | grep -qx "$key" || fail "key $key missing"
  stream=$(physical "$stack" Stream790BDEE4)
  stream_status=$(aws kinesis describe-stream-summary --stream-name "$stream" \
    --query 'StreamDescriptionSummary.StreamStatus' --output text)
  [ "$stream_status" = ACTIVE ] || fail "stream $stream is $stream_status"
  role=$(physical "$stack" Role1ABCC5F0)
  aws iam get-role --role-name "$role" --query 'Role.AssumeRolePolicyDocument' --output json |
    grep -q firehose.amazonaws.com || fail "role $role does not trust Firehose"
  policies=$(aws iam list-role-policies --role-name "$role" --query 'PolicyNames' --output text)
  case "$policies" in *RoleDefaultPolicy5FFB7DAB*) ;; *) fail "role $role lacks its default policy: $policies" ;; esac
  aws iam get-role-policy --role-name "$role" --policy-name RoleDefaultPolicy5FFB7DAB --output json |
    grep -q kinesis:GetRecords || fail "default policy lacks kinesis:GetRecords"
  bucket=$(physical "$stack" BackupBucket26B8E51C)
  aws s3api head-bucket --bucket "$bucket" >/dev/null || fail "bucket $bucket missing"
  checks=$((checks + 6))
  echo "smoke: $stack ok (stack, key, stream, role trust, default policy, bucket)"
done
echo "smoke: $checks passed, 0 failed"
