import CANCapture
import CANCore
import CANDatabase
import SocketCAN

/// How decoded frames are written: the canonical JSON lines, or text for people.
public enum DecodedLineFormat: String, CaseIterable, Sendable {
    case jsonl, text
}

/// `candor decode` without its terminal: the decode-only pipeline (`BusDecoder`) over
/// captures or live interfaces, each frame counted for the summary and, unless only the
/// summary is wanted, written as a line into `lines`, which is handed to `flush` whenever
/// 64 KiB pile up and emptied. Error frames give no line (they are counted). Nothing is
/// allocated per frame.
public struct DecodeLines {
    public let format: DecodedLineFormat
    /// Only count (`--summary`): no lines.
    public let summaryOnly: Bool
    /// What `--summary` shows (`BusPlans.all` order).
    public private(set) var summary: DecodeSummary
    /// Lines not yet flushed.
    public private(set) var lines: [UInt8] = []
    private var decoder: BusDecoder
    /// The bus's and the seconds' text of the last canonical line.
    private var memo = CanonicalLine.Memo()
    /// The text pieces of each plan, made once for `.text`.
    private let texts: [DecodedText]

    public init(plans: BusPlans, format: DecodedLineFormat, summaryOnly: Bool) {
        self.format = format
        self.summaryOnly = summaryOnly
        summary = DecodeSummary(plans: plans.all)
        decoder = plans.decoder()
        texts = format == .text && !summaryOnly ? plans.all.map { DecodedText(plan: $0.plan) } : []
        lines.reserveCapacity(1 << 17)
    }

    /// Decodes `reader` to its end (or its first error, thrown after the lines before it are
    /// flushed). `progress` gets the frame count every 65,536 frames. Adds the capture's
    /// malformed lines and drops to the summary. Returns the frames read (error frames too).
    @discardableResult
    public mutating func decode(
        _ reader: CaptureReader, flush: ([UInt8]) -> Void, progress: (Int) -> Void = { _ in }
    ) throws(CaptureError) -> Int {
        var frames = 0
        do {
            while let frame = try reader.next() {
                frames += 1
                if frames & 0xFFFF == 0 { progress(frames) }
                handle(frame, flush: flush)
            }
        } catch {
            flushLines(flush)
            throw error
        }
        summary.malformedLines += reader.statistics.malformedLines
        summary.kernelDrops += Int(reader.statistics.droppedByKernel)
        return frames
    }

    /// Decodes live frames until the source ends (frame limit, duration or stop); the
    /// kernel's and the queue's drops are added to the summary's drop counts.
    public mutating func decode(live source: LiveFrameSource, flush: ([UInt8]) -> Void) {
        while let frame = source.next() {
            handle(frame, flush: flush)
        }
        source.stop()
        summary.live = true
        for stats in source.statistics {
            summary.kernelDrops += stats.kernelDrops
            summary.queueDrops += stats.queueDrops
        }
    }

    @inline(__always)
    private mutating func handle(_ frame: CANFrame, flush: ([UInt8]) -> Void) {
        if frame.kind == .error {
            summary.errorFrames += 1
            return
        }
        // Every bus has a plan (the fallback one decodes nothing).
        let (bus, outcome) = decoder.decode(frame)!
        summary.count(bus: bus, outcome)
        guard !summaryOnly else { return }
        switch format {
        case .jsonl:
            decoder.unretainedPlan(bus)._withUnsafeGuaranteedRef { plan in
                CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: decoder.values, memo: &memo, to: &lines)
            }
        case .text:
            texts[bus].append(frame: frame, outcome: outcome, values: decoder.values, to: &lines)
        }
        lines.append(UInt8(ascii: "\n"))
        if lines.count >= 1 << 16 { flushLines(flush) }
    }

    /// Hands the pending lines to `flush` and empties them.
    public mutating func flushLines(_ flush: ([UInt8]) -> Void) {
        guard !lines.isEmpty else { return }
        flush(lines)
        lines.removeAll(keepingCapacity: true)
    }
}
