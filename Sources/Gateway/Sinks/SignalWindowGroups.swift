import Telemetry

/// A batch's signal windows on their way into `signal_window_group` rows (schema 6):
/// consecutive windows of one window (length, start) fill a group of up to
/// `StoreSchema.signalWindowGroupSize`; a window of another (length, start) closes the open
/// group and starts the next. A member holds what its row slot stores (the record's numbers
/// and its signal id), so that binding a group reads no record again.
struct SignalWindowGroups {
    struct Member {
        var signalID: Int64
        var windowLength, windowStart: Int64
        var count: Int
        var minimum, maximum, mean, last, standardDeviation: Double
        var firstTime, lastTime: Int64

        init(_ r: SignalWindowRecord, signalID: Int64) {
            self.signalID = signalID
            windowLength = r.windowLength; windowStart = r.windowStart; count = r.count
            minimum = r.minimum; maximum = r.maximum; mean = r.mean; last = r.last
            standardDeviation = r.standardDeviation; firstTime = r.firstTime; lastTime = r.lastTime
        }
    }

    /// The members of the closed groups and then of the open one, in order.
    private(set) var members: [Member] = []
    /// One past each closed group's last member.
    private(set) var ends: [Int] = []
    private var window: (length: Int64, start: Int64) = (0, .min)

    var closedCount: Int { ends.count }

    /// The members of closed group `g`.
    func group(_ g: Int) -> ArraySlice<Member> {
        members[(g == 0 ? 0 : ends[g - 1])..<ends[g]]
    }

    mutating func add(_ member: Member) {
        let openCount = members.count - (ends.last ?? 0)
        if member.windowLength != window.length || member.windowStart != window.start
            || openCount == StoreSchema.signalWindowGroupSize {
            closeOpen()
            window = (member.windowLength, member.windowStart)
        }
        members.append(member)
    }

    /// Closes the open group, if it has members.
    mutating func closeOpen() {
        if members.count > (ends.last ?? 0) { ends.append(members.count) }
    }

    /// Forgets the first `count` closed groups; the open group stays open.
    mutating func removeClosed(_ count: Int) {
        guard count > 0 else { return }
        let cut = ends[count - 1]
        members.removeFirst(cut)
        ends.removeFirst(count)
        for i in ends.indices { ends[i] -= cut }
    }

    mutating func removeAll() {
        members.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        window = (0, .min)
    }
}
