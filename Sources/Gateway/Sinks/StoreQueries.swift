/// The example queries README shows, kept here so a test runs every one of them.
/// Parameters are named (`:vehicle`, `:from`, `:to`, nanoseconds); in the `sqlite3` shell
/// set them with `.param set :vehicle "'van01'"`.
public enum StoreQueries {
    public struct Example: Sendable {
        public var title: String
        public var sql: String
    }

    public static let examples: [Example] = [
        Example(title: "Distance per vehicle per day", sql: """
            SELECT vehicle, date(start / 1000000000, 'unixepoch') AS day, round(distance_km, 3) AS km
            FROM operations WHERE scope = 'day'
            ORDER BY vehicle, start;
            """),
        Example(title: "Maximum cell temperature per trip", sql: """
            SELECT vehicle, trip_index, datetime(start / 1000000000, 'unixepoch') AS started,
                   round(("end" - start) / 60e9, 1) AS minutes, max_cell_temp_c
            FROM operations WHERE scope = 'trip'
            ORDER BY vehicle, trip_index;
            """),
        Example(title: "Silent messages of a vehicle in a time range", sql: """
            SELECT bus, message, datetime(start / 1000000000, 'unixepoch') AS silent_from,
                   round(("end" - start) / 1e9, 3) AS seconds, open
            FROM silent_episode
            WHERE vehicle = :vehicle AND start < :to AND "end" > :from
            ORDER BY start, bus, message;
            """),
        Example(title: "Bus load over time (60 s windows)", sql: """
            SELECT datetime(window_start / 1000000000, 'unixepoch') AS minute, bus,
                   round(bus_load_percent, 2) AS load_percent, frames, error_frames
            FROM bus_health
            WHERE vehicle = :vehicle AND window_length = 60000000000
              AND window_start >= :from AND window_start < :to
            ORDER BY window_start, bus;
            """),
        Example(title: "One signal's per-second mean and maximum", sql: """
            SELECT datetime(window_start / 1000000000, 'unixepoch') AS second, mean, maximum
            FROM signal_window_named
            WHERE vehicle = :vehicle AND signal = 'SOC' AND window_length = 1000000000
              AND window_start >= :from AND window_start < :to
            ORDER BY window_start;
            """),
    ]
}
