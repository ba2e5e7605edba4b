# rcdk AwsCustomResource provider (Custom::AWS): one AWS SDK call per CloudFormation event.
# Inline (Code.ZipFile): stdlib + boto3 only; small, as it counts toward the template size.
import json, re, threading, urllib.request

client_factory = None  # tests inject a stub; None: boto3.client, imported lazily
MARGIN_MS = 3000  # say "timed out" before Lambda kills us, or the stack hangs for an hour
MAX_DATA = 4096  # CloudFormation rejects a larger Data
# SDK/CDK names whose boto3 name is not just the lowercase
SERVICES = {'kinesisfirehose': 'firehose', 'cloudwatchlogs': 'logs', 'cloudwatchevents': 'events',
            'eventbridge': 'events', 'cognitoidentityserviceprovider': 'cognito-idp',
            'configservice': 'config', 'directoryservice': 'ds', 'iotdata': 'iot-data', 'acmpca': 'acm-pca',
            'applicationautoscaling': 'application-autoscaling'}


def service_name(s):
    s = s.lower()
    return SERVICES.get(s.replace('-', ''), s)


def action_name(a):
    # botocore's xform_name: PutResourcePolicy -> put_resource_policy, DescribeDBInstances ->
    # describe_db_instances, ListAMIs -> list_amis
    if '_' in a:
        return a
    a = re.sub(r'([A-Z]{2,})s$', lambda m: '_' + m[1].lower() + 's', a)
    return re.sub(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_', a).lower()


def flatten(o, p=''):
    # {"a": [{"b": 1}]} -> {"a.0.b": 1}, for Fn::GetAtt
    if not isinstance(o, (dict, list)):
        return {p: o}
    r = {}
    for k, v in (o.items() if isinstance(o, dict) else enumerate(o)):
        r.update(flatten(v, f'{p}.{k}' if p else str(k)))
    return r


def run(rtype, raw):  # -> (physical id or None, Data)
    try:
        c = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as e:
        raise ValueError(f'{rtype} is not valid JSON: {e}')
    if not isinstance(c, dict) or not c.get('service') or not c.get('action'):
        raise ValueError(f'{rtype} must be a JSON object with "service" and "action"')
    svc, act = service_name(c['service']), action_name(c['action'])
    print(rtype, svc, act)  # not the parameters: they may hold secrets
    try:
        client = (client_factory or __import__('boto3').client)(
            svc, **({'region_name': c['region']} if c.get('region') else {}))
    except Exception as e:
        raise ValueError(f'no client for service {c["service"]!r} ({svc}): {e}')
    known = getattr(getattr(client, 'meta', None), 'method_to_api_mapping', None)
    if known is not None:  # boto3: exact API names (ListHITs...), not close()
        a = c['action']
        act = next((m for m, n in known.items() if n in (a, a[:1].upper() + a[1:])), act)
    fn = getattr(client, act, None)
    if not callable(fn) or known is not None and act not in known:
        raise ValueError(f'service {svc} has no action {act} (from {c["action"]!r})')
    ignored = False
    try:
        resp = fn(**(c.get('parameters') or {}))
    except Exception as e:
        r = getattr(e, 'response', None)
        code = isinstance(r, dict) and (r.get('Error') or {}).get('Code') or type(e).__name__
        pat = c.get('ignoreErrorCodesMatching')
        if not (pat and re.search(pat, code)):
            raise
        print(f'ignored error {code}')
        resp, ignored = {}, True
    if isinstance(resp, dict):
        resp.pop('ResponseMetadata', None)
    flat = flatten(json.loads(json.dumps(resp, default=str)))  # datetimes, bytes -> strings
    pid, spec = None, c.get('physicalResourceId') or {}
    if 'id' in spec:
        pid = str(spec['id'])
    elif 'responsePath' in spec:
        path = spec['responsePath']
        if path in flat:
            pid = str(flat[path])
        elif not ignored:
            raise ValueError(f'responsePath {path!r} not in response: {list(flat)[:20]}')
    paths = c.get('outputPaths')
    if paths is not None:
        flat = {k: v for k, v in flat.items() if any(k == p or k.startswith(p + '.') for p in paths)}
    return pid, flat


def handler(event, context):
    rtype = event.get('RequestType')
    old_pid = event.get('PhysicalResourceId') or event.get('RequestId')  # Create has none yet
    lock, sent = threading.Lock(), []

    def respond(status, reason, pid=old_pid, data=None):
        with lock:  # held over the PUT: don't return while the timer answers
            if sent:
                return
            sent.append(status)
            if status == 'FAILED':
                reason = f'{reason[:800]} (log stream {getattr(context, "log_stream_name", "?")})'
            print(status, pid, reason)
            body = {k: event.get(k) for k in ('StackId', 'RequestId', 'LogicalResourceId')}
            body = json.dumps(dict(body, Status=status, Reason=reason, PhysicalResourceId=pid,
                                   NoEcho=False, Data=data or {})).encode()
            # the presigned S3 URL is signed for an empty Content-Type
            req = urllib.request.Request(event['ResponseURL'], body, method='PUT', headers={
                'Content-Type': '', 'Content-Length': str(len(body))})
            try:
                urllib.request.urlopen(req, timeout=10).close()
            except Exception as e:
                print('could not answer CloudFormation:', e)

    left = getattr(context, 'get_remaining_time_in_millis', None)
    timer = left and threading.Timer(max(0, left() - MARGIN_MS) / 1000, respond, (
        'FAILED', 'timed out: the SDK call outlasted the Lambda'))
    timer and timer.start()
    try:
        if rtype not in ('Create', 'Update', 'Delete'):
            raise ValueError(f'unknown RequestType {rtype!r}')
        call = (event.get('ResourceProperties') or {}).get(rtype)
        pid, data = run(rtype, call) if call else (None, {})  # no call: nothing to do
        reason = 'OK'
        if len(json.dumps(data).encode()) > MAX_DATA:
            reason, data = f'OK; Data dropped: over {MAX_DATA} bytes (use outputPaths)', {}
        respond('SUCCESS', reason, pid or old_pid, data)
    except Exception as e:
        respond('FAILED', f'{type(e).__name__}: {e}')
    finally:
        timer and timer.cancel()
