/// The daemon's services as one list, as swift-service-lifecycle's ServiceGroup has them:
/// each is started after the one before it and stopped before it, in reverse order. When one
/// cannot start, those already started are stopped (in reverse) before the error goes up.
final class ServiceGroup {
    private var running: [(name: String, stop: () -> String?)] = []
    /// Called with each name as its service starts and stops (tests watch the order).
    private let journal: (String) -> Void

    init(journal: @escaping (String) -> Void = { _ in }) {
        self.journal = journal
    }

    /// Starts one service: `open` makes it, `stop` stops it and returns a failure message.
    func start<Service>(_ name: String, _ open: () throws(DaemonError) -> Service, stop: @escaping (Service) -> String?) throws(DaemonError) -> Service {
        let service: Service
        do { service = try open() } catch {
            journal("failed \(name)")
            _ = stopAll()
            throw error
        }
        journal("started \(name)")
        running.append((name, { stop(service) }))
        return service
    }

    /// Stops every started service, last started first; the first failure message, if any.
    func stopAll() -> String? {
        var first: String?
        while let (name, stop) = running.popLast() {
            let failure = stop()
            journal("stopped \(name)")
            first = first ?? failure
        }
        return first
    }
}
