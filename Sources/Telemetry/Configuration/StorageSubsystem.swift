/// One rechargeable energy-storage subsystem as GB/T 32960 reports it (`signals.storage_subsystems`):
/// a string of cells (or a pack) with its own voltage and current, and the cells and probes of
/// the `cell_voltages` / `probe_temperatures` series that belong to it, as ranges of their
/// 1-based numbers. A vehicle whose strings are in parallel (a bus's two strings of 192 cells)
/// lists one per string; its subsystem numbers are the list's order, 1, 2, ….
///
/// Without the list, the terminal reports one subsystem: `pack_voltage`, `pack_current` and
/// every cell and probe.
public struct StorageSubsystem: Sendable, Hashable {
    public var voltage: SignalReference
    public var current: SignalReference
    /// Which way `current` is positive (GB/T 32960's is positive on discharge).
    public var currentPositive: CurrentDirection
    /// The 1-based numbers of the cells in `cell_voltages` (nil: none; the series unmapped).
    public var cells: ClosedRange<Int>?
    /// The 1-based numbers of the probes in `probe_temperatures` (nil: none).
    public var probes: ClosedRange<Int>?

    public init(voltage: SignalReference, current: SignalReference, currentPositive: CurrentDirection,
                cells: ClosedRange<Int>?, probes: ClosedRange<Int>?) {
        self.voltage = voltage
        self.current = current
        self.currentPositive = currentPositive
        self.cells = cells
        self.probes = probes
    }
}
