"""moto_server for rehearse-on-moto.sh and DeployRehearsalIT: moto's own server, with eleven gaps of moto 5.2.1 filled.

1. Budgets: the AWS provider reads a budget back with DescribeSubscribersForNotification and
   ListTagsForResource, and changes its tags with TagResource and UntagResource; moto 5.2.1 answers
   those with "not implemented" (HTTP 500), which the provider retries until it gives up. They are
   added here with the API's meaning, on what moto stores: a notification's subscribers as
   CreateBudget or CreateNotification gave them, and the tags CreateBudget's ResourceTags and
   TagResource set.
2. Conditions of bucket policies: moto evaluates a bucket policy without the request's context, so a
   statement's Condition never fails (an operator other than StringEquals is not evaluated at all), and
   the stack's TLS-only Deny (s3:* when aws:SecureTransport is false) denies every object request, over
   https too, as would bronze's refusals of encryption the converter could not read (s3:PutObject when
   an encryption header is sent: storage.tf, bronze_put_encryption). Here a statement whose conditions
   test only aws:SecureTransport (Bool, by the request's scheme) and the s3:x-amz-server-side-encryption,
   -customer-algorithm and -aws-kms-key-id keys (Null, StringEquals, StringNotEquals, by the request's
   headers of those names, as sent) applies only when they hold, as on AWS: a negated operator holds
   when its key is absent ("IAM JSON policy elements: Condition operators"). https passes, plain http is
   refused; a put with an SSE-C header or another key is refused. Other statements are left to moto.
3. SQS RedrivePolicy: moto returns it as json.dumps writes it, with spaces after ':' and ','; SQS
   returns it compact, as Terraform's jsonencode writes it. The provider stores what it reads, so the
   spaces alone made every plan update the queue (and what depends on it). Here it is compact.
4. EventBridge TestEventPattern: moto 5.2.1 answers it with an empty body (no Result). Here it answers
   as EventBridge does, with moto's own pattern matcher (the one that routes PutEvents to rules):
   {"Result": true|false}; an invalid pattern is InvalidEventPatternException, an Event that is not a
   JSON object with id, account, source, time, region and detail-type is ValidationException
   ("Parameter Event is not valid."; resources is documented as required but is not).

5. Budget actions (budget_hard_stop): moto 5.2.1 has none. CreateBudgetAction, DescribeBudgetAction,
   DescribeBudgetActionsForBudget, UpdateBudgetAction, DeleteBudgetAction and ExecuteBudgetAction are
   added with the API's meaning, kept in memory beside moto's budgets: an action waits in STANDBY
   (nothing here ever spends), tags work on its ARN as on a budget's, and deleting its budget deletes
   it. Executing one only changes its status: this emulator attaches no policy.

6. SQS event source mappings: moto 5.2.1 records one and then, on every message sent to the queue,
   receives the queue's messages and runs the function itself, in Docker (which this server never
   has), returning the messages on failure with their receive count raised. The mapping is still
   created, read and deleted as moto does; only that dispatch is left out, so the messages stay in the
   queue for the rehearsal, which reads them and runs the function under the Lambda runtime emulator
   on the event the mapping would send.

7. Lambda SnapStart: moto 5.2.1 accepts a function's SnapStart setting and forgets it, answering
   {"ApplyOn": "None", "OptimizationStatus": "Off"} for every function, so Terraform planned to turn
   SnapStart on again after every apply (silver_converter_snapstart). Here the setting is kept as
   CreateFunction and UpdateFunctionConfiguration give it, and read back as Lambda does: ApplyOn as set,
   OptimizationStatus "On" for a published version of a function with PublishedVersions, "Off" for
   $LATEST. Nothing is snapshotted: the runtime emulator starts a JVM for every cold start.

8. Event source mappings on an alias: moto 5.2.1 resolves the alias a mapping names (the gold
   builder's 'live', gold_ctas_snapstart) to the version behind it and answers that version's ARN
   (...:function:<name>:1) as the mapping's FunctionArn, where Lambda answers the function as the
   request qualified it, the alias ARN (...:function:<name>:live). The provider stores FunctionArn as
   function_name, so every plan after apply would move the mapping back to the alias. Here
   CreateEventSourceMapping and UpdateEventSourceMapping keep the request's qualifier in FunctionArn.
   An unqualified name is left as moto answers it.

9. Deleting a version of a bucket whose versioning is suspended: moto 5.2.1 takes its unversioned path
   whenever versioning is not Enabled, which ignores the version id and drops every version of the key
   at once, disposing of each; a delete marker has nothing to dispose of ('FakeDeleteMarker' object has
   no attribute 'dispose', HTTP 500). Terraform suspends a bucket's versioning when it destroys the
   aws_s3_bucket_versioning, before the bucket, so force_destroy's DeleteObjects of each version and
   delete marker failed on the first marker, and the provider retried it without end: a bronze file
   deleted (a marker left) kept terraform destroy from ending. S3 deletes the version named, marker or
   object, whether versioning is enabled or suspended ("Even in a versioning-suspended bucket, the bucket
   owner can permanently delete a specified version",
   docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html; a
   delete marker's own version id removes the marker, ManagingDelMarkers.html#RemDelMarker).
   Here a DeleteObject or DeleteObjects naming a version id on a suspended bucket takes moto's versioned
   path, which does exactly that. No moto issue names this; the dispose-on-pop came with getmoto/moto
   #5939, and LocalStack met a marker's missing attributes in its own cleanup (localstack/localstack
   #7948). A DELETE without a version id on a suspended bucket is left to moto (AWS writes a null-version
   marker; moto drops the key, and fails the same way when the key has a marker).

10. ListObjectVersions with encoding-type=url: moto 5.2.1 ignores the parameter and answers every key as
   stored, with no EncodingType element. S3 URL-encodes the keys and says so ("If you specify the
   encoding-type request parameter, Amazon S3 includes this element in the response, and returns encoded
   key name values in the following response elements: KeyMarker, NextKeyMarker, Prefix, Key, and
   Delimiter", docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html, EncodingType). The AWS
   provider's force_destroy asks for it and URL-decodes every key it gets, encoded or not (Go's
   url.QueryUnescape, where '+' is a space; internal/service/s3/delete.go forEachObjectVersionsPage, since
   hashicorp/terraform-provider-aws#40537), then deletes those keys with DeleteObjects. So a key holding a
   '+' (the rehearsal's replayed file, 'new stores+eu.csv') came back as another key, 'new stores eu.csv';
   DeleteObjects answers a key that does not exist as deleted, as S3 does; the bucket kept its versions and
   terraform destroy listed and deleted again without end (still "destroying" after 3.5 minutes). Here a
   ListObjectVersions with encoding-type=url encodes those elements, and CommonPrefixes, with urllib's
   quote_plus: each byte but letters, digits, '-', '_', '.', '~' and '/' percent-encoded, a '+' as %2B and a
   space as '+', as S3 was seen answering (brekkylab/backlot#178; either '+' or %20 decodes to a space), and
   answers EncodingType url, on which an SDK that decodes (the AWS CLI, the Java SDK) decodes. No moto issue names this (getmoto/moto#1330 was about encoding-type refused outright; moto
   encodes ListObjects' keys, not ListObjectVersions'). Other listings are left to moto.

11. UpdateBudget: moto 5.2.1 answers "not implemented" (HTTP 500), which the provider retries for minutes. An
   apply meets it only when a budget changes in place, as in an upgrade (rehearse-on-moto.sh --upgrade-from:
   budget_subtract_credits turned the budgets' CostTypes.IncludeCredit from true to false). Budgets "can change
   every part of a budget except for the budgetName and the calculatedSpend"
   (docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateBudget.html): here NewBudget
   replaces the stored budget, moto's time period kept when NewBudget gives none, and its notifications stay.

Every other request is moto's. Arguments are moto_server's (-H HOST -p PORT, and -s for https with
a certificate of its own or -c CERT -k KEY for a given one).
"""

import json
import sys
import threading
import time
import urllib.parse
import uuid

import flask
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.budgets.exceptions import NotFoundException
from moto.budgets.responses import BudgetsResponse
from moto.core.responses import ActionResult
from moto.events.exceptions import ValidationException
from moto.events.models import EventPattern
from moto.events.responses import EventsHandler
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, S3Backend
from moto.s3.responses import S3Response
from moto.server import main
from moto.sqs.models import Queue, sqs_backends

# Budget or budget action ARN -> {key: value}, for the budgets of this server's lifetime.
TAGS = {}
# (account id, budget name, action id) -> the Action as DescribeBudgetAction returns it.
ACTIONS = {}


def budget_arn(response, account_id, budget_name):
    return f"arn:{response.partition}:budgets::{account_id}:budget/{budget_name}"


def notification_key(notification):
    return (
        notification.get("NotificationType"),
        notification.get("ComparisonOperator"),
        float(notification.get("Threshold", 0)),
        notification.get("ThresholdType", "PERCENTAGE"),
    )


def describe_subscribers_for_notification(self):
    budget = self.backend.budgets[self._get_param("AccountId")].get(self._get_param("BudgetName"))
    wanted = notification_key(self._get_param("Notification"))
    matches = [n for n in (budget.notifications if budget else []) if notification_key(n.details) == wanted]
    if not matches:
        raise NotFoundException("Unable to describe subscribers: the budget or its notification doesn't exist.")
    return json.dumps({"Subscribers": matches[0].subscribers, "NextToken": None})


def action_arn(response, account_id, budget_name, action_id):
    return f"{budget_arn(response, account_id, budget_name)}/action/{action_id}"


def known_budget(self, arn):
    for account_id, budgets in self.backend.budgets.items():
        for name in budgets:
            if budget_arn(self, account_id, name) == arn:
                return True
    for account_id, name, action_id in ACTIONS:
        if action_arn(self, account_id, name, action_id) == arn:
            return True
    raise NotFoundException(f"Unable to find resource {arn}.")


def budget_of(self):
    """The request's AccountId and BudgetName, once moto knows that budget."""
    account_id, name = self._get_param("AccountId"), self._get_param("BudgetName")
    if not self.backend.budgets.get(account_id, {}).get(name):
        raise NotFoundException(f"Unable to get budget: {name} - the budget doesn't exist.")
    return account_id, name


def action_of(self):
    account_id, name = budget_of(self)
    key = (account_id, name, self._get_param("ActionId"))
    if key not in ACTIONS:
        raise NotFoundException(f"Unable to find action {key[2]} of budget {name}.")
    return key


def create_budget_action(self):
    account_id, name = budget_of(self)
    action_id = str(uuid.uuid4())
    ACTIONS[(account_id, name, action_id)] = {
        "ActionId": action_id,
        "BudgetName": name,
        "NotificationType": self._get_param("NotificationType"),
        "ActionType": self._get_param("ActionType"),
        "ActionThreshold": self._get_param("ActionThreshold"),
        "Definition": self._get_param("Definition"),
        "ExecutionRoleArn": self._get_param("ExecutionRoleArn"),
        "ApprovalModel": self._get_param("ApprovalModel"),
        "Status": "STANDBY",
        "Subscribers": self._get_param("Subscribers", []),
    }
    TAGS[action_arn(self, account_id, name, action_id)] = {tag["Key"]: tag["Value"] for tag in self._get_param("ResourceTags", [])}
    return json.dumps({"AccountId": account_id, "BudgetName": name, "ActionId": action_id})


def describe_budget_action(self):
    account_id, name, action_id = action_of(self)
    return json.dumps({"AccountId": account_id, "BudgetName": name, "Action": ACTIONS[(account_id, name, action_id)]})


def describe_budget_actions_for_budget(self):
    account_id, name = budget_of(self)
    actions = [action for (account, budget, _), action in ACTIONS.items() if (account, budget) == (account_id, name)]
    return json.dumps({"Actions": actions, "NextToken": None})


def update_budget_action(self):
    key = action_of(self)
    action = ACTIONS[key]
    old = json.loads(json.dumps(action))
    for field in ("NotificationType", "ActionThreshold", "Definition", "ExecutionRoleArn", "ApprovalModel", "Subscribers"):
        value = self._get_param(field)
        if value is not None:
            action[field] = value
    return json.dumps({"AccountId": key[0], "BudgetName": key[1], "OldAction": old, "NewAction": action})


def delete_budget_action(self):
    key = action_of(self)
    action = ACTIONS.pop(key)
    TAGS.pop(action_arn(self, *key), None)
    return json.dumps({"AccountId": key[0], "BudgetName": key[1], "Action": action})


def execute_budget_action(self):
    key = action_of(self)
    execution = self._get_param("ExecutionType")
    ACTIONS[key]["Status"] = {
        "APPROVE_BUDGET_ACTION": "EXECUTION_SUCCESS",
        "RETRY_BUDGET_ACTION": "EXECUTION_SUCCESS",
        "REVERSE_BUDGET_ACTION": "REVERSE_SUCCESS",
        "RESET_BUDGET_ACTION": "STANDBY",
    }.get(execution, ACTIONS[key]["Status"])
    return json.dumps({"AccountId": key[0], "BudgetName": key[1], "ActionId": key[2], "ExecutionType": execution})


def update_budget(self):
    account_id, new_budget = self._get_param("AccountId"), self._get_param("NewBudget")
    name = new_budget.get("BudgetName")
    budget = self.backend.budgets.get(account_id, {}).get(name)
    if not budget:
        raise NotFoundException(f"Unable to update budget: {name} - the budget doesn't exist.")
    replaced = {key: value for key, value in new_budget.items() if key != "CalculatedSpend"}
    replaced.setdefault("TimePeriod", budget.budget["TimePeriod"])
    replaced["LastUpdatedTime"] = time.time()
    budget.budget = replaced
    return json.dumps({})


def list_tags_for_resource(self):
    arn = self._get_param("ResourceARN")
    known_budget(self, arn)
    tags = TAGS.get(arn, {})
    return json.dumps({"ResourceTags": [{"Key": key, "Value": value} for key, value in tags.items()]})


def tag_resource(self):
    arn = self._get_param("ResourceARN")
    known_budget(self, arn)
    TAGS.setdefault(arn, {}).update({tag["Key"]: tag["Value"] for tag in self._get_param("ResourceTags", [])})
    return json.dumps({})


def untag_resource(self):
    arn = self._get_param("ResourceARN")
    known_budget(self, arn)
    for key in self._get_param("ResourceTagKeys", []):
        TAGS.get(arn, {}).pop(key, None)
    return json.dumps({})


def with_tags_of_new_budget(create_budget):
    def create_budget_keeping_tags(self):
        result = create_budget(self)
        arn = budget_arn(self, self._get_param("AccountId"), self._get_param("Budget")["BudgetName"])
        TAGS[arn] = {tag["Key"]: tag["Value"] for tag in self._get_param("ResourceTags", [])}
        return result

    return create_budget_keeping_tags


def with_tags_dropped(delete_budget):
    def delete_budget_and_tags(self):
        result = delete_budget(self)
        account_id, name = self._get_param("AccountId"), self._get_param("BudgetName")
        TAGS.pop(budget_arn(self, account_id, name), None)
        for key in [key for key in ACTIONS if key[:2] == (account_id, name)]:
            ACTIONS.pop(key)
            TAGS.pop(action_arn(self, *key), None)
        return result

    return delete_budget_and_tags


for name, action in {
    "describe_subscribers_for_notification": describe_subscribers_for_notification,
    "update_budget": update_budget,
    "list_tags_for_resource": list_tags_for_resource,
    "tag_resource": tag_resource,
    "untag_resource": untag_resource,
    "create_budget_action": create_budget_action,
    "describe_budget_action": describe_budget_action,
    "describe_budget_actions_for_budget": describe_budget_actions_for_budget,
    "update_budget_action": update_budget_action,
    "delete_budget_action": delete_budget_action,
    "execute_budget_action": execute_budget_action,
}.items():
    # A moto that implements an action itself keeps its own.
    if not hasattr(BudgetsResponse, name):
        setattr(BudgetsResponse, name, action)
if BudgetsResponse.list_tags_for_resource is list_tags_for_resource:
    BudgetsResponse.create_budget = with_tags_of_new_budget(BudgetsResponse.create_budget)
    BudgetsResponse.delete_budget = with_tags_dropped(BudgetsResponse.delete_budget)

# The request context keys decided here from the request's headers: the encryption a put asks for.
ENCRYPTION_KEYS = {
    "s3:x-amz-server-side-encryption": "x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-customer-algorithm": "x-amz-server-side-encryption-customer-algorithm",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": "x-amz-server-side-encryption-aws-kms-key-id",
}


def condition_holds(operator, key, values):
    """Whether one key's test holds for the current request, or None when this server does not decide it."""
    in_request = flask.has_request_context()
    if key == "aws:SecureTransport" and operator == "Bool":
        secure = in_request and flask.request.scheme == "https"
        return ("true" if secure else "false") in [value.lower() for value in values]
    header = ENCRYPTION_KEYS.get(key)
    if header is None:
        return None
    actual = flask.request.headers.get(header) if in_request else None
    if operator == "Null":
        return ("true" if actual is None else "false") in [value.lower() for value in values]
    if operator == "StringEquals":
        return actual is not None and actual in values
    if operator == "StringNotEquals":
        return actual is None or actual not in values
    return None


def decided_condition(statement):
    """Whether a statement's Condition holds for the current request; None when it has none, or tests what is left to moto."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict) or not condition:
        return None
    holds = True
    for operator, keys in condition.items():
        for key, values in keys.items():
            held = condition_holds(operator, key, [str(value) for value in (values if isinstance(values, list) else [values])])
            if held is None:
                return None
            holds = holds and held
    return holds


def get_permission_with_request_context(self, action, resource):
    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    applicable = []
    for statement in statements:
        holds = decided_condition(statement)
        if holds is None:
            applicable.append(statement)
        elif holds:
            applicable.append({key: value for key, value in statement.items() if key != "Condition"})
    return IAMPolicy(json.dumps({**document, "Statement": applicable})).is_action_permitted(action, resource)


FakeBucket.get_permission = get_permission_with_request_context

moto_queue_attributes = Queue.attributes.fget


def queue_attributes_as_sqs_writes_them(self):
    attributes = moto_queue_attributes(self)
    if self.redrive_policy:
        attributes["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
    return attributes


Queue.attributes = property(queue_attributes_as_sqs_writes_them)

# The fields EventBridge requires of TestEventPattern's Event.
EVENT_FIELDS = {"id", "account", "source", "time", "region", "detail-type"}


def test_event_pattern(self):
    pattern = EventPattern.load(self._get_param("EventPattern"))  # InvalidEventPatternException when invalid
    try:
        event = json.loads(self._get_param("Event") or "")
    except json.JSONDecodeError:
        event = None
    if not isinstance(event, dict) or not EVENT_FIELDS.issubset(event):
        raise ValidationException("Parameter Event is not valid.")
    return json.dumps({"Result": pattern.matches_event(event)}), self.response_headers


# moto 5.2.1's is a stub (its body is `pass`); this one matches with moto's own matcher.
EventsHandler.test_event_pattern = test_event_pattern

moto_create_event_source_mapping = LambdaBackend.create_event_source_mapping


def create_event_source_mapping_without_dispatch(self, spec):
    mapping = moto_create_event_source_mapping(self, spec)
    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        if queue.queue_arn == mapping.event_source_arn:
            queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
    keep_requested_qualifier(mapping, spec["FunctionName"])
    return mapping


def requested_qualifier(function_name):
    """The qualifier of <name>:<qualifier> or arn:...:function:<name>:<qualifier>, or None."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        return parts[7] if len(parts) > 7 else None
    return parts[1] if len(parts) > 1 else None


def keep_requested_qualifier(mapping, function_name):
    qualifier = requested_qualifier(function_name)
    if qualifier is not None:
        # moto's FunctionArn is the resolved version's, arn:...:function:<name>:<version>.
        mapping.function_arn = ":".join(mapping.function_arn.split(":")[:7] + [qualifier])


moto_update_event_source_mapping = LambdaBackend.update_event_source_mapping


def update_event_source_mapping_keeping_qualifier(self, uuid, spec):
    mapping = moto_update_event_source_mapping(self, uuid, spec)
    if mapping is not None and "FunctionName" in spec:
        keep_requested_qualifier(mapping, spec["FunctionName"])
    return mapping


# The rehearsal, not moto, runs the function on the queue's messages (see 6. above).
LambdaBackend.create_event_source_mapping = create_event_source_mapping_without_dispatch
# A mapping on an alias answers the alias ARN, as Lambda does (see 8. above).
LambdaBackend.update_event_source_mapping = update_event_source_mapping_keeping_qualifier

moto_function_init = LambdaFunction.__init__
moto_update_configuration = LambdaFunction.update_configuration
moto_get_configuration = LambdaFunction.get_configuration


def snap_start_apply_on(setting):
    return (setting or {}).get("ApplyOn", "None")


def init_keeping_snap_start(self, account_id, spec, region, version=1):
    moto_function_init(self, account_id, spec, region, version)
    self.snap_start_apply_on = snap_start_apply_on(spec.get("SnapStart"))


def update_configuration_keeping_snap_start(self, config_updates):
    if "SnapStart" in config_updates:
        self.snap_start_apply_on = snap_start_apply_on(config_updates["SnapStart"])
    return moto_update_configuration(self, config_updates)


def get_configuration_with_snap_start(self, on_create=False):
    configuration = moto_get_configuration(self, on_create)
    apply_on = getattr(self, "snap_start_apply_on", "None")
    published = str(self.version) != "$LATEST"
    configuration["SnapStart"] = {
        "ApplyOn": apply_on,
        "OptimizationStatus": "On" if apply_on == "PublishedVersions" and published else "Off",
    }
    return configuration


# Lambda SnapStart settings kept and read back (see 7. above).
LambdaFunction.__init__ = init_keeping_snap_start
LambdaFunction.update_configuration = update_configuration_keeping_snap_start
LambdaFunction.get_configuration = get_configuration_with_snap_start

moto_is_versioned = FakeBucket.is_versioned.fget
moto_delete_object = S3Backend.delete_object
# The suspended bucket whose version this thread is deleting, if any: moto_server answers each request in a
# thread of its own, so only that request sees the bucket as versioned.
DELETING_A_VERSION = threading.local()


def is_versioned_or_deleting_a_version(self):
    return moto_is_versioned(self) or getattr(DELETING_A_VERSION, "bucket", None) is self


def delete_object_by_version_whatever_the_versioning(self, bucket_name, key_name, version_id=None, bypass=False):
    """moto's delete, but a version id on a suspended bucket deletes that version (marker or object), as on S3."""
    bucket = self.get_bucket(bucket_name)
    if version_id is None or bucket.versioning_status != "Suspended":
        return moto_delete_object(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
    DELETING_A_VERSION.bucket = bucket
    try:
        return moto_delete_object(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
    finally:
        DELETING_A_VERSION.bucket = None


# A version deleted by its id on a suspended bucket, delete markers included (see 9. above). DeleteObjects
# calls delete_object for each object it names, so it is covered too.
FakeBucket.is_versioned = property(is_versioned_or_deleting_a_version)
S3Backend.delete_object = delete_object_by_version_whatever_the_versioning

moto_list_object_versions = S3Response.list_object_versions


def url_encoded_listing(listing):
    """A ListObjectVersions result with its keys URL-encoded, as S3 answers encoding-type=url."""
    def encoded(value):
        return urllib.parse.quote_plus(value, safe="/")

    for entry in listing["Versions"] + listing["DeleteMarkers"]:
        entry["Key"] = encoded(entry["Key"])
    for field in ("Prefix", "Delimiter", "KeyMarker", "NextKeyMarker"):
        if listing.get(field):
            listing[field] = encoded(listing[field])
    for common_prefix in listing.get("CommonPrefixes", []):
        common_prefix["Prefix"] = encoded(common_prefix["Prefix"])
    listing["EncodingType"] = "url"
    return listing


def list_object_versions_encoding_keys_as_asked(self):
    if self.querystring.get("encoding-type", [None])[0] == "url":
        # moto builds the result and serializes it in one method: the result is encoded on its way to the
        # serializer. moto makes an S3Response for each request, so no other request sees this one's.
        serialized = self.serialized
        self.serialized = lambda result: serialized(ActionResult(url_encoded_listing(result.result)))
    return moto_list_object_versions(self)


# Keys listed with encoding-type=url come back encoded, so that force_destroy deletes the keys stored (see 10.
# above).
S3Response.list_object_versions = list_object_versions_encoding_keys_as_asked

if __name__ == "__main__":
    sys.exit(main())
