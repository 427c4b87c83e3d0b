import Testing
@testable import Plot

@Suite struct TimeTicksTests {
    let midnight = 1_767_225_600.0  // 2026-01-01 00:00:00 UTC

    @Test func civilDates() {
        #expect(UTCTime(seconds: 0).dateTime == "1970-01-01 00:00:00")
        #expect(UTCTime(seconds: midnight).dateTime == "2026-01-01 00:00:00")
        #expect(UTCTime(seconds: 951_782_400).date == "2000-02-29")
        #expect(UTCTime(seconds: -1).dateTime == "1969-12-31 23:59:59")
        #expect(UTCTime(seconds: 4_102_444_799).dateTime == "2099-12-31 23:59:59")
        for days: Int64 in [-800_000, -1, 0, 59, 10_957, 20_454, 2_932_896] {
            let t = UTCTime(seconds: Double(days) * 86_400)
            #expect(UTCTime.days(year: t.year, month: t.month, day: t.day) == days)
        }
    }

    @Test func stepsAlignToTheClock() {
        let hour = TimeTicks.make(midnight + 600, midnight + 8 * 3600)
        #expect(hour.step == 3600 * 2)
        #expect(hour.values.first == midnight + 7200)
        #expect(hour.labels == ["02:00", "04:00", "06:00", "08:00"])

        let minutes = TimeTicks.make(midnight, midnight + 300)
        #expect(minutes.step == 60)
        #expect(minutes.labels == ["00:00", "00:01", "00:02", "00:03", "00:04", "00:05"])

        let days = TimeTicks.make(midnight, midnight + 30 * 86_400)
        #expect(days.step == 604_800)
        #expect(days.labels.allSatisfy { $0.count == 5 && $0.contains("-") })

        let seconds = TimeTicks.make(midnight + 5, midnight + 25)
        #expect(seconds.labels == ["00:00:05", "00:00:10", "00:00:15", "00:00:20", "00:00:25"])
    }

    @Test func degenerateTimeAxes() {
        let one = TimeTicks.extent(of: [midnight])
        #expect(one.lower < midnight && one.upper > midnight && !one.values.isEmpty)
        let none = TimeTicks.extent(of: [.nan, .infinity])
        #expect(none.lower == 0 && none.upper == 86_400)
        let years = TimeTicks.make(0, 4e9)
        #expect(years.values.count >= 2 && years.values.count <= 100)
        #expect(years.values.allSatisfy { $0.isFinite })
    }
}
