// The channel service: one message queue per user, read by the browser's
// HTTP long-poll, written by the web tier through this interface.
// Users are partitioned across channel instances by rendezvous hashing of the
// user id over the healthy instances in Consul.

include "common.thrift"

namespace go channel
namespace php ThriftChat.Channel
namespace py thriftchat.channel

/** Outcome of delivering to one user. */
enum DeliverStatus {
  /** Enqueued; epoch and seq name its position. */
  OK = 1
  /** Another instance owns the user; see ownerId/ownerAddr. */
  NOT_OWNER = 2
  /** The user's queue is full; the message was not enqueued. */
  OVERFLOW = 3
  /** The delivery itself is invalid (bad user id, oversize payload). */
  INVALID = 4
}

/** One payload for one user's queue. */
struct Delivery {
  /** The recipient. */
  1: common.UserId user
  /**
   * A JSON object the browser receives verbatim (at most 16 KiB). The
   * channel does not interpret it; the web tier defines its shape.
   */
  2: string payload
}

/** What happened to one Delivery, in the order given. */
struct DeliverResult {
  1: common.UserId user
  2: DeliverStatus status
  /** The queue's epoch; it changes whenever continuity cannot be promised. */
  3: i64 epoch
  /** The seq assigned to the payload (OK), or the queue's last seq. */
  4: i64 seq
  /** For NOT_OWNER: the owning instance's id. */
  5: string ownerId
  /** For NOT_OWNER: the owning instance's Thrift address. */
  6: string ownerAddr
  /** For OVERFLOW and INVALID: why. */
  7: string error
}

/** A user's queue as it stands. */
struct UserState {
  1: common.UserId user
  /** Current epoch; a browser polling with another epoch is told to reset. */
  2: i64 epoch
  /** Seq of the newest payload enqueued; 0 when none. */
  3: i64 seq
  /** Polls parked for the user right now (one per open tab). */
  4: i32 pollers
  /** Payloads held in the queue. */
  5: i32 depth
  /** Idle seconds the user's browser last reported; -1 when not connected. */
  6: i32 idleSeconds
  /** URL the browser long-polls for this user. */
  7: string pollUrl
}

/** One user with a poll parked or recently seen on this instance. */
struct Connection {
  1: common.UserId user
  2: i32 idleSeconds
  3: i32 pollers
}

service ChannelService {
  /**
   * Enqueues each payload on its user's queue. At most 1,000 deliveries per
   * call; a larger batch raises InvalidInput and delivers nothing.
   */
  list<DeliverResult> deliver(1: list<Delivery> deliveries)
    throws (1: common.InvalidInput invalid)

  /**
   * The user's queue state, creating the queue if needed: what a handshake
   * needs to start polling.
   */
  UserState state(1: common.UserId user)
    throws (1: common.InvalidInput invalid, 2: common.NotOwner notOwner)

  /** Users connected to this instance right now. */
  list<Connection> connected()
}
