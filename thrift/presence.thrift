// The presence service: a soft-state table of who is online, fed in batches
// by the channel tier and pulled by the web tier. Users are partitioned across
// presence instances by rendezvous hashing of the user id.

include "common.thrift"

namespace go presence
namespace php ThriftChat.Presence
namespace py thriftchat.presence

enum State {
  /** Not connected (or its reports stopped). */
  OFFLINE = 1
  /** Connected, but idle past the threshold. */
  IDLE = 2
  /** Connected and active. */
  ACTIVE = 3
}

/** One connected user, as a channel instance saw it. */
struct ReportEntry {
  1: common.UserId user
  /** Seconds since the user's last input, as the browser reported; >= 0. */
  2: i32 idleSeconds
}

/** A user's presence. */
struct Presence {
  1: common.UserId user
  2: State state
  /** Last time the user was active, ms since the Unix epoch; 0 if never seen. */
  3: i64 lastActiveMs
}

/** The answer to a change-only read. */
struct Changes {
  /** Pass this back as sinceVersion next time. */
  1: i64 version
  /** Users whose state changed after sinceVersion; empty when none did. */
  2: list<Presence> changed
}

service PresenceService {
  /**
   * Marks each listed user online as of now. A user not reported again for a
   * few intervals (intervalMs, from the reporter) expires to OFFLINE. At most
   * 50,000 entries (about 950 KiB, under the 1 MiB frame cap); split larger
   * batches. Returns the number of entries taken.
   */
  i32 report(1: string reporter, 2: i32 intervalMs, 3: list<ReportEntry> entries)
    throws (1: common.InvalidInput invalid)

  /** Presence of each user, in the order given. At most 10,000 users. */
  list<Presence> multiGet(1: list<common.UserId> users)
    throws (1: common.InvalidInput invalid)

  /**
   * Like multiGet, but answers only users whose state changed after
   * sinceVersion (0 answers all). Versions are microseconds since the Unix
   * epoch at which a state changed, so callers may merge several shards.
   */
  Changes changedSince(1: list<common.UserId> users, 2: i64 sinceVersion)
    throws (1: common.InvalidInput invalid)
}
