"""Read the newest page of a conversation.
Usage: python3 read_history.py <user> <peer> [limit]"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thriftchat_client import connect, emit, message_dict, run  # noqa: E402


def main():
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    with connect() as client:
        page = client.history(int(sys.argv[1]), int(sys.argv[2]), 0, -1, limit)
    emit({"messages": [message_dict(m) for m in page.messages], "moreBefore": page.moreBefore})


run(main)
