import Testing
@testable import SocketCAN

@Suite("ReconnectBackoff schedule")
struct ReconnectBackoffTests {
    @Test func defaultScheduleDoublesUpToTheCap() {
        let backoff = ReconnectBackoff()
        #expect((0..<9).map(backoff.delayMilliseconds(attempt:)) == [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000])
    }

    @Test func hugeAttemptCountsStayAtTheCap() {
        let backoff = ReconnectBackoff(initialMilliseconds: 10, factor: 10, maximumMilliseconds: 5000)
        #expect(backoff.delayMilliseconds(attempt: 1) == 100)
        #expect(backoff.delayMilliseconds(attempt: 3) == 5000)
        #expect(backoff.delayMilliseconds(attempt: 1_000_000) == 5000)
    }

    @Test func constantBackoff() {
        let backoff = ReconnectBackoff(initialMilliseconds: 250, factor: 1, maximumMilliseconds: 250)
        #expect(backoff.delayMilliseconds(attempt: 0) == 250)
        #expect(backoff.delayMilliseconds(attempt: 50) == 250)
    }
}
