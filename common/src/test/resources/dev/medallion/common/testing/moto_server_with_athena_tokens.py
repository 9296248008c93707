"""moto_server for the tests (MotoServer starts it): moto's own server, with Athena's ClientRequestToken kept.

moto 5.2.1 ignores StartQueryExecution's ClientRequestToken: every request starts a new execution, so a
resent start (the same token) is a second query, where Athena answers the first one's QueryExecutionId.
Athena's API reference (StartQueryExecution, ClientRequestToken, 32 to 128 characters): "If another
StartQueryExecution request is received, the same response is returned and another query is not created.
An error is returned if a parameter, such as QueryString, has changed." Athena's error is
InvalidRequestException, "Idempotent parameters do not match" (as seen by DyfanJones/noctua#104).

Here a StartQueryExecution whose token this account and region have seen answers the execution it started,
starting nothing, when its parameters (QueryString, QueryExecutionContext, ResultConfiguration, WorkGroup,
ExecutionParameters) are the same, and is refused with that error when one differs. A request without a
token, or whose start moto refused, is left to moto. How long Athena keeps a token is not documented;
here, until the server stops or moto's backends are reset. Nothing else of moto is changed.
"""
import json
import sys
import threading

from moto.athena.responses import AthenaResponse
from moto.server import main

TOKEN_PARAMETERS = ("QueryString", "QueryExecutionContext", "ResultConfiguration", "WorkGroup", "ExecutionParameters")

moto_start_query_execution = AthenaResponse.start_query_execution
tokens_lock = threading.Lock()


def start_query_execution_once_per_token(self):
    token = self._get_param("ClientRequestToken")
    if not token:
        return moto_start_query_execution(self)
    parameters = {name: self._get_param(name) for name in TOKEN_PARAMETERS}
    # On the backend, so that moto's reset (/moto-api/reset), which makes new backends, forgets the tokens too.
    backend = self.athena_backend
    with tokens_lock:
        seen = backend.__dict__.setdefault("client_request_tokens", {})
        if token in seen:
            started_with, execution_id = seen[token]
            if started_with != parameters:
                return self.error("Idempotent parameters do not match", 400)
            return json.dumps({"QueryExecutionId": execution_id})
        answer = moto_start_query_execution(self)
        if isinstance(answer, str):
            seen[token] = (parameters, json.loads(answer)["QueryExecutionId"])
        return answer


AthenaResponse.start_query_execution = start_query_execution_once_per_token

if __name__ == "__main__":
    sys.exit(main())
