/// Dates of the proleptic Gregorian calendar as day counts from 1970-01-01, without Foundation
/// or the process's time zone: what the ASC header, candump `-tA`, GB/T 32960's Beijing time
/// and the report's UTC axes need.
///
/// The era method (H. Hinnant's `days_from_civil` / `civil_from_days`): count in 400-year eras
/// of 146,097 days that start on 0000-03-01, so a leap day falls at the end of its year.
/// 719,468 is the day count from 0000-03-01 to 1970-01-01.
public enum CivilDate {
    /// Days from 1970-01-01 to `year`-`month`-`day` (month 1...12); negative before 1970.
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)  // 0 = March
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month (1...12) and day for a day count from 1970-01-01: the inverse of `days`.
    public static func date(days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
