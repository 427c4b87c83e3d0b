import Testing
import CANCore

/// `CivilDate` (moved from the ASC encoder, now shared by candump `-tA`, GB/T 32960 and the
/// report): day counts invert the civil date across eras, leap days and 1970.
@Suite struct CivilDateTests {
    @Test("days since the epoch invert the civil date", arguments: [Int64(-800_000), -1, 0, 59, 11_016, 19_675, 47_541, 2_932_896])
    func dayCounts(days: Int64) {
        let (year, month, day) = CivilDate.date(days: days)
        #expect(CivilDate.days(year: year, month: month, day: day) == days)
    }

    @Test func knownDates() {
        #expect(CivilDate.date(days: 0) == (1970, 1, 1))
        #expect(CivilDate.date(days: -1) == (1969, 12, 31))
        #expect(CivilDate.days(year: 2000, month: 2, day: 29) == 11_016)
        #expect(CivilDate.days(year: 2100, month: 3, day: 1) == 47_541)
    }
}
