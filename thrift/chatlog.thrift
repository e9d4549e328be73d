// The chatlog service: the durable record of every conversation. A send is
// acknowledged only after append returns, so a browser that missed messages
// fills the gap from here. Conversations are partitioned across chatlog
// instances by rendezvous hashing of the conversation id; per-user reads
// (recent, since) are asked of every instance and merged by the caller.

include "common.thrift"

namespace go chatlog
namespace php ThriftChat.Chatlog
namespace py thriftchat.chatlog

/** One message to store. */
struct AppendRequest {
  1: common.UserId sender
  2: common.UserId recipient
  /** Plain text, valid UTF-8, 1 to 4,000 bytes. */
  3: string text
  /**
   * The sender's id for this message, 1 to 64 bytes. Appending the same
   * (sender, clientMsgId) again returns the stored message, never a copy.
   */
  4: string clientMsgId
}

/** A page of one conversation, oldest first. */
struct HistoryPage {
  1: list<common.Message> messages
  /** True when older messages (before the first one here) exist. */
  2: bool moreBefore
  /** True when newer messages (after the last one here) exist. */
  3: bool moreAfter
}

/** A conversation as one participant sees it. */
struct ConversationSummary {
  1: common.ConversationId conversation
  /** The other participant. */
  2: common.UserId peer
  /** The newest message. */
  3: common.Message last
  /** Messages from the peer after readSeq. */
  4: i32 unread
  /** The participant's read mark: seq of the last message read. */
  5: i64 readSeq
}

/** The newest messages to a user across conversations. */
struct SincePage {
  /** Oldest first. */
  1: list<common.Message> messages
  /** True when the limit cut the answer; ask again from the last sentAtMs. */
  2: bool more
}

service ChatlogService {
  /** Stores one message durably and returns it as stored. */
  common.Message append(1: AppendRequest request)
    throws (1: common.InvalidInput invalid, 2: common.NotOwner notOwner)

  /**
   * Stores several messages with one durable commit, in order. At most 500;
   * every request must be valid and owned here, or nothing is stored.
   */
  list<common.Message> appendBatch(1: list<AppendRequest> requests)
    throws (1: common.InvalidInput invalid, 2: common.NotOwner notOwner)

  /**
   * Messages of a conversation, oldest first. With beforeSeq > 0, the newest
   * `limit` messages before it; otherwise, with afterSeq >= 0, the oldest
   * `limit` after it; beforeSeq = 0 and afterSeq = -1 ask for the newest page.
   * limit is 1 to 200. A cursor past the end gives an empty page.
   */
  HistoryPage history(1: common.ConversationId conversation, 2: i64 beforeSeq,
                      3: i64 afterSeq, 4: i32 limit)
    throws (1: common.InvalidInput invalid, 2: common.NotOwner notOwner)

  /** The user's conversations held here, newest activity first; limit 1 to 100. */
  list<ConversationSummary> recent(1: common.UserId user, 2: i32 limit)
    throws (1: common.InvalidInput invalid)

  /** Sets the user's read mark in a conversation; it never moves back. */
  void markRead(1: common.UserId user, 2: common.ConversationId conversation, 3: i64 seq)
    throws (1: common.InvalidInput invalid, 2: common.NotOwner notOwner)

  /**
   * Messages to or from the user stored here after sinceMs (server time),
   * oldest first; limit 1 to 1,000. For filling a gap after a reset.
   */
  SincePage since(1: common.UserId user, 2: i64 sinceMs, 3: i32 limit)
    throws (1: common.InvalidInput invalid)
}
