"""Open a chat session for the application's signed-in user.
Usage: python3 open_session.py <user id> <display name>"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thriftchat_client import User, connect, emit, run  # noqa: E402


def main():
    user = int(sys.argv[1])
    with connect() as client:
        client.putUser(User(id=user, name=sys.argv[2]))
        session = client.openSession(user, 0)
    # The page embeds session.chatUrl; the token rides in its URL fragment.
    emit({"user": session.user, "token": session.token, "expiresAtMs": session.expiresAtMs,
          "pollUrl": session.pollUrl, "chatUrl": session.chatUrl})


run(main)
