import Testing
@testable import GBT32960

@Suite struct BeijingTimeTests {
    @Test func unixInstantsAreEightHoursAhead() {
        // 2026-07-06T22:55:15Z is 2026-07-07 06:55:15 in Beijing.
        let t = BeijingTime(unixSeconds: 1_783_378_515)
        #expect(t == BeijingTime(year: 2026, month: 7, day: 7, hour: 6, minute: 55, second: 15))
        #expect(t.unixSeconds == 1_783_378_515)
        #expect(t.description == "2026-07-07T06:55:15+08:00")
        #expect(t.bytes == [26, 7, 7, 6, 55, 15])
    }

    @Test func everyDayOfTwoCenturiesRoundTrips() {
        var day: Int64 = 946_656_000  // 2000-01-01 00:00 Beijing
        while day < 4_102_415_999 {
            let t = BeijingTime(unixSeconds: day + 86_399)
            #expect(t.unixSeconds == day + 86_399)
            #expect(t.hour == 23 && t.minute == 59 && t.second == 59)
            day += 86_400 * 5
        }
    }

    @Test func rejectsImpossibleDates() {
        #expect(BeijingTime(bytes: [26, 2, 29, 0, 0, 0]) == nil)
        #expect(BeijingTime(bytes: [24, 2, 29, 0, 0, 0]) != nil)
        #expect(BeijingTime(bytes: [26, 13, 1, 0, 0, 0]) == nil)
        #expect(BeijingTime(bytes: [26, 1, 1, 24, 0, 0]) == nil)
        #expect(BeijingTime(bytes: [100, 1, 1, 0, 0, 0]) == nil)
    }
}
