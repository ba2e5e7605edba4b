"""Tests of the inline Lambda handler behind rcdk's AwsCustomResource (src/custom_resources/handler.py).

The handler runs against a stub SDK client, and answers a real HTTP server on 127.0.0.1 that stands in
for CloudFormation's presigned response URL; the tests assert on the PUT requests that server received.
Standard library only; the one test that uses real botocore is skipped when botocore is not installed.
"""
import contextlib
import http.server
import importlib.util
import io
import json
import os
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLER_PATH = os.path.join(HERE, '..', '..', 'src', 'custom_resources', 'handler.py')

spec = importlib.util.spec_from_file_location('rcdk_cr_handler', HANDLER_PATH)
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)


class ResponseServer:
    """A local stand-in for the presigned S3 URL: records every request, answers 200."""

    def __init__(self):
        self.requests = []
        received = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                received.append({'method': 'PUT', 'path': self.path, 'headers': self.headers,
                                 'body': json.loads(body)})
                self.send_response(200)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def do_POST(self):  # the handler must never POST; record it so a test fails
                received.append({'method': 'POST', 'path': self.path, 'headers': self.headers, 'body': None})
                self.send_response(405)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f'http://127.0.0.1:{self.httpd.server_address[1]}/bucket/key?X-Amz-Signature=abc'

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ClientError(Exception):
    """Shaped like botocore.exceptions.ClientError: .response['Error']['Code']."""

    def __init__(self, code, message, operation):
        self.response = {'Error': {'Code': code, 'Message': message}}
        super().__init__(f'An error occurred ({code}) when calling the {operation} operation: {message}')


class StubClient:
    """An SDK client that has exactly the given methods and records every call."""

    def __init__(self, methods):
        self._methods = methods
        self.calls = []

    def __getattr__(self, name):
        if name not in self._methods:
            raise AttributeError(name)

        def method(**kwargs):
            self.calls.append((name, kwargs))
            return self._methods[name](**kwargs)
        return method


class Context:
    log_stream_name = '2024/01/01/[$LATEST]abc'

    def __init__(self, remaining_ms=300_000):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self):
        return self.remaining_ms


def call(service='Kinesis', action='PutResourcePolicy', **extra):
    return json.dumps(dict({'service': service, 'action': action}, **extra))


class Fixtures:
    """A response server per test, a stub client factory, and a way to run the handler."""

    def setUp(self):
        self.server = ResponseServer()
        self.created = []  # (service name, client kwargs) for each client the handler made
        self.stub = StubClient({})

    def tearDown(self):
        h.client_factory = None
        self.server.close()

    def use(self, methods):
        self.stub = StubClient(methods)

        def factory(service, **kwargs):
            self.created.append((service, kwargs))
            return self.stub
        h.client_factory = factory
        return self.stub

    def event(self, request_type, props, physical_id=None):
        e = {'RequestType': request_type, 'ResponseURL': self.server.url,
             'StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/guid',
             'RequestId': 'req-1', 'LogicalResourceId': 'StreamPolicy', 'ResourceType': 'Custom::AWS',
             'ResourceProperties': dict({'ServiceToken': 'arn:aws:lambda:eu-west-1:1:function:p'}, **props)}
        if physical_id is not None:
            e['PhysicalResourceId'] = physical_id
        return e

    def run_handler(self, event, context=None):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            result = h.handler(event, context if context is not None else Context())
        self.log = out.getvalue()
        self.assertIsNone(result)
        self.assertEqual(len(self.server.requests), 1, f'expected one response: {self.server.requests}')
        return self.server.requests[0]['body']


class HandlerTest(Fixtures, unittest.TestCase):
    # --- the protocol on the wire ---

    def test_create_with_literal_id_sends_parameters_and_a_well_formed_put(self):
        stub = self.use({'put_resource_policy': lambda **kw: {'ResponseMetadata': {'RequestId': 'x'}}})
        params = {'ResourceARN': 'arn:aws:kinesis:eu-west-1:1:stream/s', 'Policy': '{"Version":"2012-10-17"}',
                  'Nested': {'Count': 3, 'On': True, 'List': [1, None]}}
        body = self.run_handler(self.event('Create', {
            'Create': call(parameters=params, physicalResourceId={'id': 'stream-policy'})}))
        self.assertEqual(stub.calls, [('put_resource_policy', params)])  # types survive the JSON string
        self.assertEqual(self.created, [('kinesis', {})])
        self.assertEqual(body, {'Status': 'SUCCESS', 'Reason': 'OK', 'PhysicalResourceId': 'stream-policy',
                                'StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/guid',
                                'RequestId': 'req-1', 'LogicalResourceId': 'StreamPolicy', 'NoEcho': False,
                                'Data': {}})  # ResponseMetadata is not output
        req = self.server.requests[0]
        self.assertEqual(req['method'], 'PUT')
        self.assertEqual(req['path'], '/bucket/key?X-Amz-Signature=abc')
        self.assertEqual(req['headers'].get('Content-Type'), '')  # present and empty, as S3 requires
        self.assertEqual(int(req['headers']['Content-Length']), len(json.dumps(body).encode()))
        self.assertNotIn('ResourceARN', self.log)  # parameters are not logged

    def test_update_takes_physical_id_from_response_path_and_returns_flattened_data(self):
        when = __import__('datetime').datetime(2024, 5, 1, 12, 0)
        stub = self.use({'describe_stream': lambda **kw: {
            'StreamDescription': {'StreamName': 's', 'Shards': [{'ShardId': 'shard-0'}, {'ShardId': 'shard-1'}],
                                  'Created': when}}})
        body = self.run_handler(self.event('Update', {
            'Create': call(action='DescribeStream'),
            'Update': call(action='describeStream', parameters={'StreamName': 's'},
                           physicalResourceId={'responsePath': 'StreamDescription.Shards.1.ShardId'})},
            physical_id='old-id'))
        self.assertEqual(stub.calls, [('describe_stream', {'StreamName': 's'})])
        self.assertEqual(body['Status'], 'SUCCESS')
        self.assertEqual(body['PhysicalResourceId'], 'shard-1')
        self.assertEqual(body['Data'], {'StreamDescription.StreamName': 's',
                                        'StreamDescription.Shards.0.ShardId': 'shard-0',
                                        'StreamDescription.Shards.1.ShardId': 'shard-1',
                                        'StreamDescription.Created': '2024-05-01 12:00:00'})

    def test_output_paths_filter_data_by_exact_key_or_prefix(self):
        self.use({'get_x': lambda **kw: {'A': {'B': 1, 'C': [2, 3]}, 'AB': 4, 'D': 'd'}})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX', outputPaths=['A.C', 'D'])}))
        self.assertEqual(body['Data'], {'A.C.0': 2, 'A.C.1': 3, 'D': 'd'})

    def test_update_without_physical_id_spec_keeps_the_existing_one(self):
        self.use({'get_x': lambda **kw: {}})
        body = self.run_handler(self.event('Update', {'Update': call(action='GetX')}, physical_id='keep-me'))
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('SUCCESS', 'keep-me'))

    def test_create_without_physical_id_spec_uses_the_request_id(self):
        self.use({'get_x': lambda **kw: {}})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX')}))
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('SUCCESS', 'req-1'))

    def test_delete_without_a_delete_call_succeeds_without_calling_anything(self):
        stub = self.use({'put_resource_policy': lambda **kw: {}})
        body = self.run_handler(self.event('Delete', {
            'Create': call(physicalResourceId={'id': 'p'}), 'Update': call()}, physical_id='stream-policy'))
        self.assertEqual(stub.calls, [])
        self.assertEqual(self.created, [])
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('SUCCESS', 'stream-policy'))

    def test_delete_runs_the_delete_call_and_keeps_the_physical_id(self):
        stub = self.use({'delete_resource_policy': lambda **kw: {}})
        body = self.run_handler(self.event('Delete', {
            'Delete': call(action='DeleteResourcePolicy', parameters={'ResourceARN': 'arn'})},
            physical_id='stream-policy'))
        self.assertEqual(stub.calls, [('delete_resource_policy', {'ResourceARN': 'arn'})])
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('SUCCESS', 'stream-policy'))

    # --- failures always answer, with a reason and a harmless physical id ---

    def test_sdk_error_fails_with_its_message(self):
        def boom(**kw):
            raise ClientError('AccessDeniedException', 'not allowed to kinesis:PutResourcePolicy',
                              'PutResourcePolicy')
        self.use({'put_resource_policy': boom})
        body = self.run_handler(self.event('Create', {'Create': call(physicalResourceId={'id': 'p'})}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn('AccessDeniedException', body['Reason'])
        self.assertIn('not allowed to kinesis:PutResourcePolicy', body['Reason'])
        self.assertIn('2024/01/01/[$LATEST]abc', body['Reason'])  # where to look for the log
        self.assertEqual(body['PhysicalResourceId'], 'req-1')  # so the rollback Delete is harmless
        self.assertEqual(body['Data'], {})

    def test_failed_update_keeps_the_existing_physical_id(self):
        def boom(**kw):
            raise ClientError('ValidationException', 'bad', 'PutResourcePolicy')
        self.use({'put_resource_policy': boom})
        body = self.run_handler(self.event('Update', {'Update': call()}, physical_id='existing'))
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('FAILED', 'existing'))

    def test_ignored_error_code_is_success(self):
        def gone(**kw):
            raise ClientError('ResourceNotFoundException', 'no such stream', 'DeleteResourcePolicy')
        self.use({'delete_resource_policy': gone})
        body = self.run_handler(self.event('Delete', {'Delete': call(
            action='DeleteResourcePolicy', ignoreErrorCodesMatching='NotFound|Gone',
            physicalResourceId={'responsePath': 'Nothing'})}, physical_id='stream-policy'))
        self.assertEqual(body['Status'], 'SUCCESS')
        self.assertEqual(body['PhysicalResourceId'], 'stream-policy')
        self.assertEqual(body['Data'], {})

    def test_ignore_pattern_matches_the_exception_class_name_without_a_code(self):
        class ThrottledError(Exception):
            pass

        def boom(**kw):
            raise ThrottledError('slow down')
        self.use({'get_x': boom})
        body = self.run_handler(self.event('Create', {'Create': call(
            action='GetX', ignoreErrorCodesMatching='^Throttled', physicalResourceId={'id': 'lit'})}))
        self.assertEqual((body['Status'], body['PhysicalResourceId']), ('SUCCESS', 'lit'))

    def test_error_not_matching_the_ignore_pattern_still_fails(self):
        def boom(**kw):
            raise ClientError('AccessDenied', 'denied', 'GetX')
        self.use({'get_x': boom})
        body = self.run_handler(self.event('Create', {'Create': call(
            action='GetX', ignoreErrorCodesMatching='NotFound')}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn('AccessDenied', body['Reason'])

    def test_missing_action_fails_naming_it(self):
        stub = self.use({'put_resource_policy': lambda **kw: {}})
        body = self.run_handler(self.event('Create', {'Create': call(action='PutResourcePolic')}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn("service kinesis has no action put_resource_polic (from 'PutResourcePolic')", body['Reason'])
        self.assertEqual(stub.calls, [])

    def test_malformed_json_fails(self):
        self.use({})
        body = self.run_handler(self.event('Create', {'Create': '{"service": "Kinesis", '}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn('Create is not valid JSON', body['Reason'])
        self.assertEqual(body['PhysicalResourceId'], 'req-1')

    def test_call_without_service_or_action_fails(self):
        self.use({})
        for bad in ('{"service": "Kinesis"}', '["Kinesis"]', '{"action": "X", "service": ""}'):
            self.server.requests.clear()
            body = self.run_handler(self.event('Update', {'Update': bad}, physical_id='p'))
            self.assertEqual(body['Status'], 'FAILED')
            self.assertIn('Update must be a JSON object with "service" and "action"', body['Reason'])

    def test_unknown_request_type_fails(self):
        stub = self.use({'put_resource_policy': lambda **kw: {}})
        body = self.run_handler(self.event('Replace', {'Replace': call()}, physical_id='p'))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn("unknown RequestType 'Replace'", body['Reason'])
        self.assertEqual((body['PhysicalResourceId'], stub.calls), ('p', []))

    def test_client_factory_failure_fails_naming_the_service(self):
        def factory(service, **kwargs):
            raise RuntimeError(f'Unknown service: {service!r}')
        h.client_factory = factory
        body = self.run_handler(self.event('Create', {'Create': call(service='Kinesiss')}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn("no client for service 'Kinesiss' (kinesiss)", body['Reason'])

    def test_region_is_passed_to_the_client(self):
        self.use({'get_x': lambda **kw: {}})
        self.run_handler(self.event('Create', {'Create': call(action='GetX', region='us-east-1')}))
        self.assertEqual(self.created, [('kinesis', {'region_name': 'us-east-1'})])

    def test_missing_response_path_fails_listing_the_keys(self):
        self.use({'get_x': lambda **kw: {'Name': 'n'}})
        body = self.run_handler(self.event('Create', {'Create': call(
            action='GetX', physicalResourceId={'responsePath': 'Arn'})}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn("responsePath 'Arn' not in response: ['Name']", body['Reason'])

    def test_long_reason_is_truncated(self):
        def boom(**kw):
            raise ClientError('ValidationException', 'x' * 10_000, 'GetX')
        self.use({'get_x': boom})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX')}))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertLess(len(body['Reason']), 1000)
        self.assertLess(len(json.dumps(body)), 4096)

    def test_oversize_data_is_dropped(self):
        self.use({'get_x': lambda **kw: {'Items': [{'Value': 'v' * 100} for _ in range(50)]}})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX', physicalResourceId={
            'responsePath': 'Items.3.Value'})}))
        self.assertEqual(body['Status'], 'SUCCESS')
        self.assertEqual(body['Data'], {})
        self.assertIn('Data dropped', body['Reason'])
        self.assertEqual(body['PhysicalResourceId'], 'v' * 100)  # taken from the full response first

    def test_data_just_under_the_limit_is_kept(self):
        self.use({'get_x': lambda **kw: {'K': 'v' * (4096 - len('{"K": ""}'))}})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX')}))
        self.assertEqual((body['Reason'], len(body['Data']['K'])), ('OK', 4087))

    def test_timer_answers_failed_exactly_once_when_the_call_hangs(self):
        def hang(**kw):
            time.sleep(1.0)
            return {'Late': 'yes'}
        self.use({'put_resource_policy': hang})
        start = time.monotonic()
        body = self.run_handler(self.event('Create', {'Create': call(physicalResourceId={'id': 'p'})}),
                                Context(remaining_ms=h.MARGIN_MS + 100))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn('timed out', body['Reason'])
        self.assertEqual(body['PhysicalResourceId'], 'req-1')
        self.assertGreaterEqual(time.monotonic() - start, 1.0)  # the handler ran on to the end...
        time.sleep(0.3)
        self.assertEqual(len(self.server.requests), 1)  # ...and its SUCCESS was not sent

    def test_timer_does_not_fire_after_a_prompt_answer(self):
        self.use({'get_x': lambda **kw: {}})
        body = self.run_handler(self.event('Create', {'Create': call(action='GetX')}),
                                Context(remaining_ms=h.MARGIN_MS + 200))
        self.assertEqual(body['Status'], 'SUCCESS')
        time.sleep(0.5)
        self.assertEqual(len(self.server.requests), 1)

    def test_unreachable_response_url_does_not_raise(self):
        self.use({'get_x': lambda **kw: {}})
        event = self.event('Create', {'Create': call(action='GetX')})
        self.server.close()  # nothing listens on that port any more
        with contextlib.redirect_stdout(io.StringIO()) as out:
            h.handler(event, Context())
        self.assertIn('could not answer CloudFormation', out.getvalue())
        self.server = ResponseServer()  # for tearDown

    # --- name mapping ---

    def test_service_names(self):
        for given, boto3_name in [
                ('kinesis', 'kinesis'), ('Kinesis', 'kinesis'), ('secretsmanager', 'secretsmanager'),
                ('SecretsManager', 'secretsmanager'), ('KinesisFirehose', 'firehose'), ('Firehose', 'firehose'),
                ('firehose', 'firehose'), ('CloudWatchLogs', 'logs'), ('cloudwatch-logs', 'logs'),
                ('logs', 'logs'), ('IAM', 'iam'), ('S3', 's3'), ('SSM', 'ssm'), ('STS', 'sts'), ('KMS', 'kms'),
                ('Lambda', 'lambda'), ('SNS', 'sns'), ('SQS', 'sqs'), ('CloudWatch', 'cloudwatch'),
                ('DynamoDB', 'dynamodb'), ('EC2', 'ec2'), ('CloudWatchEvents', 'events'),
                ('EventBridge', 'events'), ('CognitoIdentityServiceProvider', 'cognito-idp'),
                ('cognito-idp', 'cognito-idp'), ('ConfigService', 'config'), ('StepFunctions', 'stepfunctions'),
                ('ApplicationAutoScaling', 'application-autoscaling')]:
            with self.subTest(given=given):
                self.assertEqual(h.service_name(given), boto3_name)

    def test_action_names(self):
        for given, method in [
                ('PutResourcePolicy', 'put_resource_policy'), ('putResourcePolicy', 'put_resource_policy'),
                ('put_resource_policy', 'put_resource_policy'), ('ListStreams', 'list_streams'),
                ('DescribeDBInstances', 'describe_db_instances'), ('ListAMIs', 'list_amis'),
                ('DescribeEC2Instances', 'describe_ec2_instances'), ('AssignIpv6Addresses', 'assign_ipv6_addresses'),
                ('GetSecretValue', 'get_secret_value'), ('CreateSAMLProvider', 'create_saml_provider'),
                ('PutRecord', 'put_record'), ('getCallerIdentity', 'get_caller_identity'),
                ('S3', 's3'), ('Invoke', 'invoke')]:
            with self.subTest(given=given):
                self.assertEqual(h.action_name(given), method)

    def test_flatten(self):
        self.assertEqual(h.flatten({'a': [{'b': 1}, [2, {'c': None}]], 'd': {}, 'e': 'x'}),
                         {'a.0.b': 1, 'a.1.0': 2, 'a.1.1.c': None, 'e': 'x'})

    # --- the handler file itself ---

    def test_handler_is_small_and_self_contained(self):
        with open(HANDLER_PATH, 'rb') as f:
            source = f.read()
        self.assertLess(len(source), 6144, 'the handler is inlined into every template that uses it')
        self.assertNotIn(b'\r', source)
        for line in source.decode().splitlines():
            if line.startswith(('import ', 'from ')):
                self.assertEqual(line, 'import json, re, threading, urllib.request')


try:
    import botocore.session
    from botocore import xform_name
    from botocore.stub import Stubber
except ImportError:
    botocore = None


@unittest.skipIf(botocore is None, 'botocore not installed')
class RealBotocoreTest(Fixtures, unittest.TestCase):
    """The handler against real botocore clients; Stubber intercepts, so nothing leaves the machine."""

    def test_action_names_match_botocore(self):
        # Across all of botocore (~18,000 operations) only its hand-made renames differ (WhatsApp,
        # iSCSI, OTel, HITs); the handler resolves those through the client's method_to_api_mapping
        # (next test). Loading every model takes seconds, so check the services rcdk cares about.
        session = botocore.session.get_session()
        for service in ('kinesis', 'firehose', 'iam', 'kms', 's3', 'secretsmanager', 'logs', 'lambda',
                        'sts', 'ssm', 'rds', 'dynamodb', 'cloudwatch', 'mturk', 'storagegateway'):
            for op in session.get_service_model(service).operation_names:
                expected = xform_name(op)
                if 'HITs' not in op and 'iSCSI' not in op and 'OTel' not in op:
                    self.assertEqual(h.action_name(op), expected, f'{service} {op}')
                    self.assertEqual(h.action_name(op[0].lower() + op[1:]), expected, f'{service} {op}')

    def real_client(self, service):
        client = botocore.session.get_session().create_client(
            service, region_name='eu-west-1', aws_access_key_id='AKIDEXAMPLE', aws_secret_access_key='x')
        stubber = Stubber(client)
        stubber.activate()
        self.addCleanup(stubber.deactivate)
        h.client_factory = lambda name, **kw: client
        return stubber

    def test_real_client_call_with_api_spelled_parameters(self):
        stubber = self.real_client('kinesis')
        stubber.add_response('put_resource_policy', {}, {'ResourceARN': 'arn:aws:kinesis:eu-west-1:1:stream/s',
                                                         'Policy': '{}'})
        body = self.run_handler(self.event('Create', {'Create': call(
            service='Kinesis', action='PutResourcePolicy', physicalResourceId={'id': 'p'},
            parameters={'ResourceARN': 'arn:aws:kinesis:eu-west-1:1:stream/s', 'Policy': '{}'})}))
        self.assertEqual(body['Status'], 'SUCCESS', body['Reason'])
        stubber.assert_no_pending_responses()

    def test_real_client_resolves_botocore_special_names_and_rejects_non_actions(self):
        stubber = self.real_client('mturk')
        stubber.add_response('list_hits_for_qualification_type', {'NumResults': 0, 'HITs': []},
                             {'QualificationTypeId': 'q'})
        body = self.run_handler(self.event('Create', {'Create': call(
            service='MTurk', action='ListHITsForQualificationType', parameters={'QualificationTypeId': 'q'})}))
        self.assertEqual((body['Status'], body['Data']), ('SUCCESS', {'NumResults': 0}), body['Reason'])
        for action in ('Close', 'GetWaiter'):
            self.server.requests.clear()
            body = self.run_handler(self.event('Update', {'Update': call(service='MTurk', action=action)},
                                               physical_id='p'))
            self.assertEqual(body['Status'], 'FAILED')
            self.assertIn('has no action', body['Reason'])

    def test_real_client_error_code_and_bad_parameters(self):
        stubber = self.real_client('kinesis')
        stubber.add_client_error('delete_resource_policy', 'ResourceNotFoundException', 'gone')
        body = self.run_handler(self.event('Delete', {'Delete': call(
            action='DeleteResourcePolicy', parameters={'ResourceARN': 'arn:aws:kinesis:eu-west-1:1:stream/s'},
            ignoreErrorCodesMatching='^ResourceNotFound')}, physical_id='p'))
        self.assertEqual(body['Status'], 'SUCCESS', body['Reason'])
        self.server.requests.clear()
        stubber.add_response('put_resource_policy', {})  # botocore validates before the stub answers
        body = self.run_handler(self.event('Update', {'Update': call(
            action='PutResourcePolicy', parameters={'ResourceArn': 'a', 'Policy': '{}'})}, physical_id='p'))
        self.assertEqual(body['Status'], 'FAILED')
        self.assertIn('ParamValidationError', body['Reason'])
        self.assertIn('ResourceArn', body['Reason'])


if __name__ == '__main__':
    unittest.main()
