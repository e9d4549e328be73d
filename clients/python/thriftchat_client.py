"""Connecting a Python application to thriftchat's web tier with the stock
Thrift library (Debian's python3-thrift, for /usr/bin/python3) and the code
`make gen` writes to clients/python/gen. The wire is the framed transport with
the binary protocol."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.Thrift import TException  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402

from thriftchat.common.ttypes import InvalidInput, NotFound, Unavailable  # noqa: E402
from thriftchat.presence.ttypes import State  # noqa: E402
from thriftchat.web import WebService  # noqa: E402
from thriftchat.web.ttypes import NotFriends, RateLimited, User  # noqa: E402

__all__ = ["connect", "emit", "run", "message_dict", "state_name", "User"]


class connect:
    """`with connect() as client:` gives a WebService client; the connection
    closes when the block ends.

    A class rather than contextlib.contextmanager: Thrift's generated
    exceptions are immutable, and contextlib writes to the exception it
    re-raises."""

    def __init__(self, addr=None, timeout_ms=5000):
        addr = addr or os.environ.get("THRIFTCHAT_WEB_THRIFT", "127.0.0.1:9104")
        host, port = addr.rsplit(":", 1)
        sock = TSocket.TSocket(host, int(port))
        sock.setTimeout(timeout_ms)
        self._transport = TTransport.TFramedTransport(sock)
        self.client = WebService.Client(TBinaryProtocol.TBinaryProtocol(self._transport))

    def __enter__(self):
        self._transport.open()
        return self.client

    def __exit__(self, *exc):
        self._transport.close()
        return False


def emit(value):
    """Prints one line of JSON (what the examples' tests read)."""
    print(json.dumps(value, ensure_ascii=False))


def run(body):
    """Runs an example, turning typed exceptions into a JSON error line and
    an exit code a caller can branch on."""
    codes = [(InvalidInput, 2), (NotFriends, 3), (RateLimited, 4), (NotFound, 5), (Unavailable, 6)]
    try:
        body()
    except TException as e:
        for kind, code in codes:
            if isinstance(e, kind):
                out = {"error": kind.__name__, "message": e.message}
                if isinstance(e, InvalidInput):
                    out["field"] = e.field
                if isinstance(e, RateLimited):
                    out["retryAfterMs"] = e.retryAfterMs
                emit(out)
                sys.exit(code)
        emit({"error": type(e).__name__, "message": str(e)})
        sys.exit(1)


def message_dict(m):
    """A Message as plain data."""
    return {"id": m.id, "conversation": m.conversation, "seq": m.seq, "sender": m.sender,
            "recipient": m.recipient, "text": m.text, "sentAtMs": m.sentAtMs, "clientMsgId": m.clientMsgId}


def state_name(state):
    """'active', 'idle', 'offline' or 'unknown'."""
    return State._VALUES_TO_NAMES.get(state, "unknown").lower()
