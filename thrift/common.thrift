// Types and exceptions shared by every thriftchat service.
//
// Wire format: every service speaks the binary protocol over a framed
// transport (TFramedTransport). Frames larger than 1 MiB are refused.
// Field ids are never reused; new fields are optional and take new ids, so
// old clients keep working.

namespace go common
namespace php ThriftChat.Common
namespace py thriftchat.common

/** A user's id, as the host application knows it. Must be positive. */
typedef i64 UserId

/**
 * A conversation's id. Direct conversations are "d:<low>:<high>" with the two
 * user ids in ascending order; other prefixes are reserved for group rooms.
 */
typedef string ConversationId

/** One chat message as the chatlog stores it and the browser shows it. */
struct Message {
  /** Server-assigned id, unique across the system. */
  1: string id
  /** The conversation the message belongs to. */
  2: ConversationId conversation
  /** Position in the conversation, from 1, without gaps. */
  3: i64 seq
  /** Who sent it. */
  4: UserId sender
  /** Who receives it (the other party of a direct conversation). */
  5: UserId recipient
  /** The text, valid UTF-8; plain text, never HTML. */
  6: string text
  /** When the chatlog stored it, in milliseconds since the Unix epoch. */
  7: i64 sentAtMs
  /** The sender's own id for this message; retries with it are idempotent. */
  8: string clientMsgId
}

/** The request is malformed or out of bounds; retrying it unchanged fails again. */
exception InvalidInput {
  /** What is wrong, for people. */
  1: string message
  /** The offending field, if one is to blame. */
  2: string field
}

/** The thing named does not exist. */
exception NotFound {
  1: string message
}

/**
 * This instance does not own the key (user or conversation); call the owner.
 * Owner fields are empty when no owner is known.
 */
exception NotOwner {
  1: string message
  /** The owning instance's id. */
  2: string ownerId
  /** The owning instance's Thrift address, host:port. */
  3: string ownerAddr
}

/** A dependency needed for this call is unreachable; retry later. */
exception Unavailable {
  1: string message
}
