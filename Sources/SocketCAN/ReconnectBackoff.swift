/// How long a reader waits before its n-th attempt to reopen an interface that went down or
/// away: `initial · factor^attempt`, capped at `maximum`. Attempt 0 is the first retry.
///
///     attempt   0    1    2    3    4     5     6 …
///     delay    50  100  200  400  800  1600  2000 … ms   (the defaults)
public struct ReconnectBackoff: Sendable, Hashable {
    public var initialMilliseconds: Int
    public var factor: Int
    public var maximumMilliseconds: Int

    public init(initialMilliseconds: Int = 50, factor: Int = 2, maximumMilliseconds: Int = 2000) {
        precondition(initialMilliseconds > 0 && factor >= 1 && maximumMilliseconds >= initialMilliseconds,
                     "backoff needs initial > 0, factor >= 1, maximum >= initial")
        self.initialMilliseconds = initialMilliseconds
        self.factor = factor
        self.maximumMilliseconds = maximumMilliseconds
    }

    /// The delay before retry number `attempt` (0-based), in milliseconds.
    public func delayMilliseconds(attempt: Int) -> Int {
        var delay = initialMilliseconds
        var step = 0
        while step < attempt && delay < maximumMilliseconds {
            delay = delay.multipliedReportingOverflow(by: factor).overflow ? maximumMilliseconds : delay * factor
            step += 1
        }
        return min(delay, maximumMilliseconds)
    }
}
