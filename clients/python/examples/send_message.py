"""Send a message as a user; retrying with the same client id is idempotent.
Usage: python3 send_message.py <sender> <recipient> <text> [client message id]"""
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thriftchat_client import connect, emit, message_dict, run  # noqa: E402


def main():
    client_msg_id = sys.argv[4] if len(sys.argv) > 4 else uuid.uuid4().hex
    with connect() as client:
        m = client.send(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], client_msg_id)
    emit(message_dict(m))


run(main)
