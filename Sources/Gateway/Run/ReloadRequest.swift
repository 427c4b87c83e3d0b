import Synchronization

/// A new setup handed from the thread that loaded it (the daemon's supervisor, on SIGHUP) to
/// the thread that ingests frames (`LiveGateway`), and the news of its swap handed back.
///
/// The ingest thread reads one atomic flag per frame (no lock, no allocation); the setup
/// itself moves through a mutex-protected slot. Each submission gets a generation number;
/// a setup submitted while an earlier one still waits for its swap replaces it, and only
/// the later one is reported applied.
public final class ReloadRequest: Sendable {
    /// A setup the gateway swapped in.
    public struct Applied: Sendable {
        /// The number `submit(_:)` returned for it.
        public let generation: Int
        public let setup: GatewaySetup
        /// Event time (nanoseconds since the epoch) from which the new setup decodes and
        /// aggregates: the window boundary at which the old setup's windows closed. Nil when
        /// no frame had arrived before the swap.
        public let effectiveFrom: Int64?
    }

    private let waiting = Atomic<Bool>(false)
    private let generations = Atomic<Int>(0)
    private let slot = Mutex<(generation: Int, setup: GatewaySetup)?>(nil)
    private let applied = Mutex<[Applied]>([])
    private let swapped: @Sendable (GatewaySetup) -> Void

    /// `swapped` runs on the gateway's thread at each swap, after the old setup's last records
    /// went to the sink and before the new setup's first (what follows the layout, such as
    /// `PrometheusMetrics.use(layout:)`).
    public init(swapped: @escaping @Sendable (GatewaySetup) -> Void = { _ in }) {
        self.swapped = swapped
    }

    /// Hands `setup` to the gateway; returns its generation number. Any thread.
    @discardableResult
    public func submit(_ setup: GatewaySetup) -> Int {
        let generation = generations.add(1, ordering: .relaxed).newValue
        slot.withLock { $0 = (generation, setup) }
        waiting.store(true, ordering: .releasing)
        return generation
    }

    /// The swaps done since the last call, oldest first. Any thread.
    public func takeApplied() -> [Applied] {
        applied.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// Whether a setup waits to be taken: the ingest thread's per-frame check.
    var isWaiting: Bool { waiting.load(ordering: .acquiring) }

    /// The waiting setup, once (the ingest thread).
    func take() -> (generation: Int, setup: GatewaySetup)? {
        guard waiting.exchange(false, ordering: .acquiringAndReleasing) else { return nil }
        return slot.withLock { taken in
            defer { taken = nil }
            return taken
        }
    }

    /// The ingest thread reports a swap.
    func reportApplied(_ swap: Applied) {
        swapped(swap.setup)
        applied.withLock { $0.append(swap) }
    }
}
