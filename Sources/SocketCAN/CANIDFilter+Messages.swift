extension CANIDFilter {
    /// The most filters one socket takes (`CAN_RAW_FILTER_MAX` in `linux/can/raw.h`).
    public static let kernelLimit = 512

    /// Kernel filters that pass exactly the data and remote frames a DBC's messages decode:
    /// a 29-bit message's id as an extended frame; an 11-bit message's id as a standard frame
    /// and as an extended frame (an extended frame with no 29-bit message of its id decodes as
    /// the 11-bit one, as cantools matches). Error frames are not affected (they have their
    /// own mask). Nil when more than `kernelLimit` filters would be needed; an empty list
    /// passes nothing.
    public static func passing(messages: [(id: UInt32, isExtended: Bool)]) -> [CANIDFilter]? {
        var filters: [CANIDFilter] = []
        var seen = Set<CANIDFilter>()
        for message in messages {
            var wanted = [CANIDFilter.exactly(id: message.id, isExtended: true)]
            if !message.isExtended { wanted.insert(.exactly(id: message.id, isExtended: false), at: 0) }
            for filter in wanted where seen.insert(filter).inserted { filters.append(filter) }
        }
        return filters.count <= kernelLimit ? filters : nil
    }
}
