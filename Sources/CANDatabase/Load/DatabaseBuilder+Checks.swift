/// Warnings about things that load but are off: references to objects that do not exist,
/// duplicate ids and names, signals that overlap or reach past the message.
extension DatabaseBuilder {
    mutating func reportUnclaimed() {
        var found: [(SourceLocation, String)] = []
        for (key, d) in signalValueDescriptions where !d.claimed {
            found.append((d.location, "VAL_ for signal '\(key.name)' of message id \(key.rawID), which no BO_/SG_ defines; ignored (cantools refuses the file)"))
        }
        for (name, d) in environmentVariableValueDescriptions where !d.claimed {
            found.append((d.location, "VAL_ for '\(name)', which is neither a message id nor an environment variable; ignored"))
        }
        for (key, t) in signalValueTypes where !t.claimed {
            found.append((t.location, "SIG_VALTYPE_ for signal '\(key.name)' of message id \(key.rawID), which no BO_/SG_ defines; ignored (cantools refuses the file)"))
        }
        for (id, s) in extraSenders where !s.claimed {
            found.append((s.location, "BO_TX_BU_ for message id \(id), which no BO_ defines; ignored"))
        }
        for (id, switches) in multiplexValues {
            for entry in switches {
                for (name, r) in entry.signals where !r.claimed {
                    found.append((r.location, "SG_MUL_VAL_ for signal '\(name)' (switch '\(entry.switchName)') of message id \(id) does not apply to any multiplexed signal; ignored"))
                }
            }
        }
        for (location, message) in found.sorted(by: { $0.0 < $1.0 }) {
            report(.warning, at: location, message)
        }
    }

    mutating func checkMessages(_ messages: [Message]) {
        var firstByID: [UInt64: Message] = [:]
        var firstByName: [String: Message] = [:]
        for message in messages {
            let key = UInt64(message.id) | (message.isExtended ? 1 << 32 : 0)
            if let first = firstByID[key] {
                report(.warning, at: message.location, "message id 0x\(hex(message.id))\(message.isExtended ? " (extended)" : "") is defined again ('\(message.name)'; first '\(first.name)' at line \(first.location?.line ?? 0)); the last definition wins")
            } else {
                firstByID[key] = message
            }
            if let first = firstByName[message.name] {
                report(.warning, at: message.location, "message name '\(message.name)' is used again (first at line \(first.location?.line ?? 0))")
            } else {
                firstByName[message.name] = message
            }
            checkSignals(of: message)
        }
    }

    mutating func checkSignals(of message: Message) {
        var names: Set<String> = []
        var footprints: [SignalFootprint] = []
        footprints.reserveCapacity(message.signals.count)
        for signal in message.signals {
            if !names.insert(signal.name).inserted {
                report(.warning, at: signal.location, "signal name '\(signal.name)' is used twice in message '\(message.name)'")
            }
            let footprint = SignalFootprint(signal)
            if footprint.highestByte >= message.length {
                report(.warning, at: signal.location, "signal '\(signal.name)' reaches byte \(footprint.highestByte), past the message length of \(message.length) bytes")
            }
            footprints.append(footprint)
        }
        // One warning per signal that overlaps earlier ones.
        for j in footprints.indices {
            let b = message.signals[j]
            var overlapped: [String] = []
            for i in 0..<j where footprints[i].overlaps(footprints[j]) && Self.canCoexist(message.signals[i], b) {
                overlapped.append("'\(message.signals[i].name)'")
            }
            guard !overlapped.isEmpty else { continue }
            let list = overlapped.count <= 3 ? overlapped.joined(separator: ", ")
                : overlapped.prefix(3).joined(separator: ", ") + " and \(overlapped.count - 3) more"
            report(.warning, at: b.location, "signal '\(b.name)' overlaps \(list) in message '\(message.name)'")
        }
    }

    /// Two signals can be in the same frame: neither is multiplexed, only one is, or both
    /// depend on the same switch with a common value.
    static func canCoexist(_ a: Signal, _ b: Signal) -> Bool {
        guard let ma = a.multiplexer, let mb = b.multiplexer else { return true }
        guard ma.switchName == mb.switchName else { return false }
        return ma.ranges.contains { ra in mb.ranges.contains { ra.overlaps($0) } }
    }
}

/// The payload bits a signal covers, as a 512-bit set in DBC bit numbering.
struct SignalFootprint {
    var words: [UInt64] = Array(repeating: 0, count: 8)
    /// The highest byte index the signal touches (may be past 63 for a bad signal).
    var highestByte = 0

    /// Intel counts up from the start bit; Motorola walks from its start (the most significant
    /// bit) towards bit 0 of the byte, then continues at bit 7 of the next byte.
    init(_ signal: Signal) {
        var bit = signal.startBit
        for _ in 0..<signal.length {
            highestByte = max(highestByte, bit / 8)
            if bit >= 0, bit < 512 { words[bit / 64] |= 1 << UInt64(bit % 64) }
            if signal.byteOrder == .littleEndian {
                bit += 1
            } else {
                bit = bit % 8 == 0 ? bit + 15 : bit - 1
            }
        }
    }

    func overlaps(_ other: SignalFootprint) -> Bool {
        for i in 0..<8 where words[i] & other.words[i] != 0 { return true }
        return false
    }
}
