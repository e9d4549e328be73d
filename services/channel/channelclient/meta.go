package channelclient

// MetaHTTPAddr is the discovery.Instance.Meta key of a channel instance's
// internal long-poll HTTP address (host:port), which the web tier proxies
// browsers' polls to.
const MetaHTTPAddr = "http_addr"
