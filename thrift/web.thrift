// The web tier's API for host applications: a PHP (or any Thrift) site opens
// chat sessions for its signed-in users, keeps their friend lists, sends as a
// user and reads history and presence. It trusts its caller: expose this port
// only to the host application's network, never to browsers.

include "common.thrift"
include "chatlog.thrift"
include "presence.thrift"

namespace go web
namespace php ThriftChat.Web
namespace py thriftchat.web

/** A user as the chat shows it. */
struct User {
  /** Positive id, the host application's own. */
  1: common.UserId id
  /** Display name, 1 to 64 bytes of UTF-8. */
  2: string name
}

/** What a browser needs to join the chat; hand it to the page. */
struct Session {
  1: common.UserId user
  /** Signed token for the channel and the web tier; a bearer secret. */
  2: string token
  /** When the token expires, ms since the Unix epoch. */
  3: i64 expiresAtMs
  /** URL the browser long-polls for this user's messages. */
  4: string pollUrl
  /** URL of the chat UI for this session (the token goes in its fragment). */
  5: string chatUrl
}

/** A friend with their presence. */
struct Buddy {
  1: User user
  2: presence.State state
  3: i64 lastActiveMs
}

/** A buddy list, or the part of it that changed. */
struct BuddyList {
  /** Pass back as sinceVersion to get only changes. */
  1: i64 version
  /** All friends (full) or those whose presence changed since sinceVersion. */
  2: list<Buddy> buddies
  /** True when buddies is the whole list; clients then replace, not merge. */
  3: bool full
}

/** The two users are not friends; only friends may chat. */
exception NotFriends {
  1: string message
}

/** The user sends too fast; retry after retryAfterMs. */
exception RateLimited {
  1: string message
  2: i64 retryAfterMs
}

service WebService {
  /** Creates or renames a user. */
  void putUser(1: User user)
    throws (1: common.InvalidInput invalid)

  /**
   * Opens a chat session for a signed-in user of the host application.
   * ttlSeconds 0 means the default (12 hours); at most 7 days.
   */
  Session openSession(1: common.UserId user, 2: i32 ttlSeconds)
    throws (1: common.InvalidInput invalid, 2: common.NotFound notFound,
            3: common.Unavailable unavailable)

  /** Makes two users friends (both ways). */
  void addFriend(1: common.UserId a, 2: common.UserId b)
    throws (1: common.InvalidInput invalid, 2: common.NotFound notFound)

  /** Ends a friendship (both ways); a no-op if there was none. */
  void removeFriend(1: common.UserId a, 2: common.UserId b)
    throws (1: common.InvalidInput invalid)

  /** Replaces a user's whole friend list. At most 5,000 friends. */
  void setFriends(1: common.UserId user, 2: list<common.UserId> friends)
    throws (1: common.InvalidInput invalid, 2: common.NotFound notFound)

  /** A user's friends, by id. */
  list<common.UserId> friends(1: common.UserId user)
    throws (1: common.InvalidInput invalid)

  /**
   * Sends a message as `sender`, exactly as the chat UI does: stored durably,
   * then delivered to both users' open tabs. Retrying with the same
   * clientMsgId returns the stored message.
   */
  common.Message send(1: common.UserId sender, 2: common.UserId recipient,
                      3: string text, 4: string clientMsgId)
    throws (1: common.InvalidInput invalid, 2: NotFriends notFriends,
            3: RateLimited rateLimited, 4: common.Unavailable unavailable)

  /** The user's friends with presence; only changes when sinceVersion > 0. */
  BuddyList buddyList(1: common.UserId user, 2: i64 sinceVersion)
    throws (1: common.InvalidInput invalid, 2: common.Unavailable unavailable)

  /** Presence of any users, in the order given; at most 1,000. */
  list<presence.Presence> presence(1: list<common.UserId> users)
    throws (1: common.InvalidInput invalid, 2: common.Unavailable unavailable)

  /**
   * The conversation between user and peer, as chatlog.history pages it
   * (beforeSeq 0 and afterSeq -1 for the newest page).
   */
  chatlog.HistoryPage history(1: common.UserId user, 2: common.UserId peer,
                              3: i64 beforeSeq, 4: i64 afterSeq, 5: i32 limit)
    throws (1: common.InvalidInput invalid, 2: common.Unavailable unavailable)

  /** The user's recent conversations with unread counts; limit 1 to 100. */
  list<chatlog.ConversationSummary> recent(1: common.UserId user, 2: i32 limit)
    throws (1: common.InvalidInput invalid, 2: common.Unavailable unavailable)
}
