"""Runs LocalStack (localstack-core from PyPI, no Docker) for .ci/run, on the loopback interface only.

Run with the Python of LocalStack's virtual environment, in the environment .ci/run sets. Three changes
to LocalStack as it is, each made before its runtime starts:

1. Loopback only. LocalStack's default HTTP server (twisted) listens on every interface whatever
   GATEWAY_LISTEN says: localstack/runtime/server/twisted.py builds TCP4ServerEndpoint(reactor, port)
   without an interface ("# TODO: interface = host?"). Every IPv4 listening endpoint of this process is
   bound to 127.0.0.1 instead.
2. Its own S3 storage. The S3 provider keeps object files under a fixed /tmp/localstack-s3-storage
   (DEFAULT_S3_TMP_DIR in localstack/services/s3/provider.py), shared with any other LocalStack on the
   machine and never removed; here it lives in the run's state directory, which .ci/run deletes.
3. It never outlives .ci/run. When the process that started it is gone (even killed with SIGKILL, so
   that its trap never ran), LocalStack gets the SIGTERM that stops it cleanly.
"""
import os
import signal
import threading
import time

from twisted.internet import endpoints

LOOPBACK = "127.0.0.1"
_tcp4_server_endpoint = endpoints.TCP4ServerEndpoint


def _loopback_tcp4_server_endpoint(reactor, port, backlog=50, interface=""):
    return _tcp4_server_endpoint(reactor, port, backlog, LOOPBACK)


endpoints.TCP4ServerEndpoint = _loopback_tcp4_server_endpoint

from localstack import config  # noqa: E402 (after the patch: config reads the environment on import)
from localstack.services.s3 import provider as s3_provider  # noqa: E402

s3_provider.DEFAULT_S3_TMP_DIR = os.path.join(config.dirs.tmp, "s3-storage")
os.makedirs(s3_provider.DEFAULT_S3_TMP_DIR, exist_ok=True)


def _stop_when_orphaned(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


threading.Thread(target=_stop_when_orphaned, args=(os.getppid(),), name="stop-when-orphaned", daemon=True).start()

from localstack.runtime import main  # noqa: E402

main.main()
