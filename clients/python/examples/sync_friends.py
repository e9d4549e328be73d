"""Replace a user's friend list with the application's.
Usage: python3 sync_friends.py <user id> <friend id>..."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thriftchat_client import User, connect, emit, run  # noqa: E402


def main():
    user = int(sys.argv[1])
    friends = [int(f) for f in sys.argv[2:]]
    with connect() as client:
        for f in friends:
            client.putUser(User(id=f, name="user%d" % f))
        client.setFriends(user, friends)
        now = sorted(client.friends(user))
    emit({"user": user, "friends": now})


run(main)
