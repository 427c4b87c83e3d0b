extension TerminalSession {
    /// Advances the session's clock: samples the vehicle every second, reports every period
    /// (every second during a level-3 alarm), runs the link's timers and sends stored reports
    /// in the idle time before the next real-time report.
    public func tick(atMillis now: Int64) -> [TerminalAction] {
        guard state != .finished else { return drain() }
        if !shuttingDown { sample(now: now) }
        linkTimers(now: now)
        if state == .loggedIn && !shuttingDown { sendStored(now: now) }
        return drain()
    }

    /// The 1 s history and the reports due at `now`.
    func sample(now: Int64) {
        guard var sampleAt = nextSampleAt, var reportAt = nextReportAt else { return }
        while sampleAt <= now {
            let items = source.items(atMillis: sampleAt)
            let data = encodeReport(RealtimeReport(time: BeijingTime(unixSeconds: sampleAt / 1000), items: items))
            let level = alarmLevel(items)
            if level >= 3 && !alarmActive {
                // The 30 s before the fault go out as reissue (2016 B.2.1; 2025 level 3/4).
                let before = history.filter { sampleAt - $0.time <= 30_000 && $0.time < sampleAt }
                for entry in before { reissueNow(entry.data) }
                emit(.alarmEpisode(level: level, historyReports: before.count))
                alarmFastUntil = sampleAt + 30_000
                reportAt = sampleAt
            }
            alarmActive = level >= 3
            if sampleAt >= reportAt {
                report(data)
                let fast = alarmActive || sampleAt < alarmFastUntil
                reportAt = sampleAt + (fast ? 1_000 : config.periodMillis)
            }
            history.append((sampleAt, data))
            if history.count > 31 { history.removeFirst(history.count - 31) }
            sampleAt += 1_000
        }
        nextSampleAt = sampleAt
        nextReportAt = reportAt
    }

    /// The data unit, signed in 2025 when there is a signer (a failed signature is logged and
    /// the report goes unsigned rather than not at all).
    func encodeReport(_ report: RealtimeReport) -> [UInt8] {
        var report = report
        if config.edition == .v2025, let signer {
            do { report.signature = try signer.sign(report.signedBytes(edition: .v2025)) } catch { emit(.storeFailed("signature: \(error)")) }
        }
        return report.encode(edition: config.edition)
    }

    /// The highest alarm level in the bodies; sentinels and no alarm body count as 0.
    func alarmLevel(_ items: [InfoItem]) -> UInt8 {
        for case let .alarm(alarm) in items where alarm.maxLevel <= config.edition.maxAlarmLevel {
            return alarm.maxLevel
        }
        return 0
    }

    /// A real-time report: sent when logged in, stored otherwise.
    func report(_ data: [UInt8]) {
        if state == .loggedIn {
            unconfirmed.append((send(.realtime, data), data))
            if unconfirmed.count > 4096 { unconfirmed.removeFirst() }
        } else {
            statistics.realtimeStored += 1
            storeReport(data)
        }
    }

    /// A report that must go out as reissue: now when logged in, else stored.
    func reissueNow(_ data: [UInt8]) {
        if state == .loggedIn {
            statistics.reissued += 1
            unconfirmed.append((send(.reissue, data), data))
        } else {
            storeReport(data)
        }
    }

    func storeReport(_ data: [UInt8]) {
        do { try store.append(data) } catch { emit(.storeFailed("store: \(error)")) }
    }

    /// Stored reports as reissue (0x03), a batch per tick while the next real-time report is
    /// more than a second away, then a heartbeat as the fence that confirms them.
    func sendStored(now: Int64) {
        guard let reportAt = nextReportAt, reportAt - now > 1_000 else { return }
        let batch: [(id: UInt64, report: [UInt8])]
        do { batch = try store.next(limit: config.reissueBatch) } catch {
            emit(.storeFailed("next: \(error)"))
            return
        }
        guard !batch.isEmpty else { return }
        var expired = 0
        for entry in batch {
            let time = BeijingTime(bytes: entry.report.prefix(6))
            if let time, now - time.unixSeconds * 1000 > config.retentionMillis {
                expired += 1
                do { try store.acknowledge(entry.id) } catch { emit(.storeFailed("acknowledge: \(error)")) }
                continue
            }
            statistics.reissued += 1
            inflight.append((send(.reissue, entry.report), entry.id, entry.report))
        }
        if expired > 0 {
            statistics.expired += expired
            emit(.expired(count: expired))
        }
        if heartbeat == nil && !inflight.isEmpty { heartbeat = (send(.heartbeat, []), now) }
    }
}
