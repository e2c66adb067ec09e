import FunnelCore
import FunnelShell

/// What a command leaves to the end of the process.
enum ProcessEnd {
    /// Keeps a file store's session, and so its state, alive until the process exits, right
    /// after the command: freeing the state object by object cost a cold query at 100,000
    /// deals a sixth of its instructions, for memory the kernel takes back at once anyway.
    /// Everything a file store holds open is memory, a mapping or a descriptor. A team
    /// store's session is freed as before: freeing its connection tells the server goodbye.
    static func keep(_ session: Session) {
        if session.store is FileStore { _ = Unmanaged.passRetained(session) }
    }
}
