"""Read who is online.
Usage: python3 read_presence.py <user id>..."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thriftchat_client import connect, emit, run, state_name  # noqa: E402


def main():
    with connect() as client:
        states = client.presence([int(u) for u in sys.argv[1:]])
    emit([{"user": p.user, "state": state_name(p.state), "lastActiveMs": p.lastActiveMs} for p in states])


run(main)
