//! Facts about the monitored server, detected once per connection and shared by every collector.

/// What a collector needs to know about the server it is talking to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150004 for 15.4.
    pub version_num: u32,
    /// The endpoint as configured (`host:port` or a socket directory), for `server.address`.
    pub host: String,
    pub port: u16,
    /// The database this connection is attached to (`db.namespace`).
    pub database: String,
}

impl ServerInfo {
    /// The major version (12, 13, ... 17).
    pub fn major(&self) -> u32 {
        self.version_num / 10_000
    }
}
