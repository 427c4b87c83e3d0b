import Testing
@testable import GBT32960

@Suite struct TerminalSessionTests {
    let t0: Int64 = 1_783_378_515_000  // 2026-07-07 06:55:15 Beijing

    @Test(arguments: [Edition.v2016, .v2025])
    func loginReportsHeartbeatsAndLogout(edition: Edition) {
        let h = TerminalHarness(edition: edition, platform: { $0.shape = edition == .v2016 ? .echo : .timeOnly })
        h.run(until: t0 + 95_000)
        #expect(h.session.isLoggedIn)
        let commands = h.platform.received.map(\.command)
        #expect(commands.first == .login)
        #expect(commands.dropFirst().first == .timeSync)
        // Reports every 10 s on the session clock, starting at the start, with the vehicle's values.
        let reports = h.platform.reports(.realtime)
        #expect(reports.map { $0.time.unixSeconds * 1000 - t0 } == Array(stride(from: Int64(0), through: 90_000, by: 10_000)))
        for report in reports {
            guard case let .vehicle(v) = report.items.first else { Issue.record("no vehicle body"); continue }
            #expect(VehicleData.Fields(edition).speed.reading(UInt32(v.speed)) == .value(Double(report.time.unixSeconds % 100)))
        }
        // Reports get no reply: heartbeats every 30 s keep the link confirmed.
        #expect(commands.filter { $0 == .heartbeat }.count == 3)
        h.perform(h.session.shutdown(atMillis: h.now))
        guard case let .logout(logout)? = h.platform.received.last?.payload,
              case let .login(login) = h.platform.received[0].payload else { Issue.record("no logout"); return }
        #expect(logout.serial == login.serial && login.serial == 1)
        #expect(h.finished)
        #expect(h.platform.reports(.reissue).isEmpty && h.store.reports.isEmpty)
    }

    @Test func loginSerialCountsPerDayAcrossRestarts() {
        let serials = MemoryLoginSerialStore()
        for expected in UInt16(1)...3 {
            let h = TerminalHarness(start: t0, serials: serials)
            guard case let .login(login) = h.platform.received[0].payload else { Issue.record("no login"); return }
            #expect(login.serial == expected)
            h.perform(h.session.shutdown(atMillis: h.now))
        }
        // The next Beijing day starts again at 1 (t0 is 06:55 Beijing; +18 h is the next day).
        let tomorrow = TerminalHarness(start: t0 + 18 * 3_600_000, serials: serials)
        guard case let .login(login) = tomorrow.platform.received[0].payload else { Issue.record("no login"); return }
        #expect(login.serial == 1)
        #expect(LoginSerial(day: 20260707, serial: 65_531).next(day: 20260707).serial == 1)
    }

    @Test func threeUnansweredLoginsThenTheBackoff() {
        let h = TerminalHarness(platform: { $0.answerLogin = false }, configure: { $0.responseTimeoutMillis = 60_000; $0.loginBackoffMillis = 30 * 60_000 })
        h.run(until: t0 + 181_000)
        let logins = h.platform.received.filter { $0.command == .login }
        #expect(logins.count == 3)
        #expect(h.events.contains(.loginBackoff(untilMillis: t0 + 180_000 + 30 * 60_000)))
        #expect(h.linkLog.map(\.1) == [.connect, .disconnect])
        // Reports of the wait are stored for reissue.
        #expect(h.store.reports.count == 19)
        h.platform.answerLogin = true
        h.run(until: t0 + 180_000 + 30 * 60_000 + 5_000)
        #expect(h.linkLog.map(\.1) == [.connect, .disconnect, .connect])
        #expect(h.session.isLoggedIn)
        // Serials: one per login attempt.
        let serials = h.platform.received.compactMap { m -> UInt16? in if case let .login(l) = m.payload { return l.serial } else { return nil } }
        #expect(serials == [1, 2, 3, 4])
    }

    /// The platform vanishes for two minutes: every report of the outage arrives afterwards as
    /// reissue with its original time, none missing, none twice, none in the second before a
    /// real-time report.
    @Test(arguments: [Edition.v2016, .v2025])
    func outageReportsArriveAsReissue(edition: Edition) {
        let h = TerminalHarness(edition: edition, configure: { $0.reconnectMillis = 5_000 })
        h.run(until: t0 + 60_500)
        h.dropLink()
        h.run(until: t0 + 180_500)
        h.linkUp = true
        h.run(until: t0 + 400_000)
        let live = h.platform.reports(.realtime).map { $0.time.unixSeconds * 1000 - t0 }
        let reissued = h.platform.reports(.reissue).map { $0.time.unixSeconds * 1000 - t0 }
        let all = Array(stride(from: Int64(0), through: 400_000, by: 10_000))
        #expect(Set(live).isDisjoint(with: reissued))
        #expect((live + reissued).sorted() == all, "live \(live) reissued \(reissued)")
        #expect(reissued.count == Set(reissued).count)
        #expect(!reissued.isEmpty && h.store.reports.isEmpty)
        #expect(h.session.statistics.reissueConfirmed == reissued.count)
        // In the idle time: never within the second before a real-time report is due.
        for (message, at) in zip(h.platform.received, h.platform.receivedAt) where message.command == .reissue {
            #expect((at - t0) % 10_000 < 9_000, "reissue at +\(at - t0) ms")
        }
    }

    @Test func unconfirmedReportsOfADeadLinkAreReissued() {
        let h = TerminalHarness(configure: { $0.heartbeatMillis = 120_000; $0.reconnectMillis = 1_000 })
        h.run(until: t0 + 5_000)
        h.platform.answers = false
        h.run(until: t0 + 45_000)  // four reports written into a link that is already dead
        h.platform.answers = true
        h.dropLink()
        h.linkUp = true
        h.run(until: t0 + 70_000)
        let reissued = Set(h.platform.reports(.reissue).map { $0.time.unixSeconds * 1000 - t0 })
        #expect(reissued.isSuperset(of: [10_000, 20_000, 30_000, 40_000]))
    }

    @Test func errorRepliesResendAtMostThreeTimes() {
        let h = TerminalHarness()
        h.run(until: t0 + 2_000)
        h.platform.rejectReports = 10
        h.run(until: t0 + 12_000)  // the report at +10 s is rejected
        h.platform.rejectReports = 0
        h.run(until: t0 + 250_000)
        let sentAt10 = h.platform.received.filter { m in
            guard case let .report(r) = m.payload else { return false }
            return r.time.unixSeconds * 1000 - t0 == 10_000
        }
        #expect(sentAt10.count == 2, "rejected once, sent again once")
        #expect(h.session.statistics.errorReplies == 1 && h.session.statistics.resent == 1)
        h.platform.rejectReports = 100
        h.run(until: t0 + 600_000)
        #expect(h.session.statistics.resent <= 1 + 3 * h.session.statistics.errorReplies)
    }

    @Test(arguments: [Edition.v2016, .v2025])
    func levelThreeAlarmSendsTheHistoryThenSecondReports(edition: Edition) {
        let h = TerminalHarness(edition: edition)
        let start = t0 / 1000
        h.vehicle.alarm = (start + 100)..<(start + 110)
        h.vehicle.alarmLevel = edition == .v2016 ? 3 : 4
        h.run(until: t0 + 200_000)
        let reissued = h.platform.reports(.reissue).map { $0.time.unixSeconds - start }
        #expect(reissued == Array(70...99), "the 30 s before the fault, 1 s apart")
        let live = h.platform.reports(.realtime).map { $0.time.unixSeconds - start }
        // 1 s reports from the fault for at least 30 s, then the period again.
        #expect(Array(live.drop { $0 < 100 }.prefix(31)) == Array(100...130))
        #expect(live.contains(140) && !live.contains(135))
        #expect(h.events.contains(.alarmEpisode(level: edition == .v2016 ? 3 : 4, historyReports: 30)))
    }

    @Test func storedReportsPastRetentionAreDropped() {
        let h = TerminalHarness(configure: { $0.reconnectMillis = 5_000 })
        let old = RealtimeReport(time: BeijingTime(unixSeconds: t0 / 1000 - 4 * 86_400), items: []).encode(edition: .v2016)
        let recent = RealtimeReport(time: BeijingTime(unixSeconds: t0 / 1000 - 2 * 86_400), items: []).encode(edition: .v2016)
        try? h.store.append(old)
        try? h.store.append(recent)
        h.run(until: t0 + 20_000)
        #expect(h.platform.reports(.reissue).map(\.time.unixSeconds) == [t0 / 1000 - 2 * 86_400])
        #expect(h.session.statistics.expired == 1)
    }

    @Test func garbageBadChecksumsDownlinkAndStrayRepliesAreCountedNotFatal() {
        let h = TerminalHarness()
        h.run(until: t0 + 1_000)
        var bad = Frame(edition: .v2016, command: .heartbeat, response: .success, vin: "LFWADRJF011002346", data: []).bytes
        bad[bad.count - 1] ^= 1
        let query = Frame(edition: .v2016, command: .query, vin: "LFWADRJF011002346", data: [26, 7, 7, 7, 0, 0, 1, 2]).bytes
        let stray = Frame(edition: .v2016, command: .logout, response: .success, vin: "LFWADRJF011002346", data: Reply(time: BeijingTime(unixSeconds: 1_600_000_000)).data).bytes
        let oversize: [UInt8] = [0x23, 0x23, 0x02, 0xFE] + Array(repeating: 0x41, count: 18) + [0xFF, 0xFF]
        h.perform(h.session.received([0x00, 0x01, 0x02] + bad + query + stray + oversize + [0x55], atMillis: h.now))
        let s = h.session.statistics
        #expect(s.badChecksums == 1 && s.downlinkIgnored == 1 && s.unexpectedReplies == 1)
        #expect(s.garbageBytes >= 3)
        h.run(until: t0 + 30_000)
        #expect(h.session.isLoggedIn && h.platform.reports(.realtime).count == 4)
    }

    @Test func configProblemsNameTheirSetting() {
        var c = TerminalConfig(edition: .v2025, vin: "SHORT", iccid: "123")
        c.periodMillis = 60_000
        #expect(c.problems().map(\.setting) == ["vin", "iccid", "period"])
        #expect(TerminalConfig(edition: .v2016, vin: "LFWADRJF011002346", iccid: "89860624400014310964").problems().isEmpty)
    }
}

/// A signer standing in for a security chip in tests: its "signature" is the length of what
/// it was given, so the test can see what was signed. Never shipped.
final class CountingSigner: ReportSigner, @unchecked Sendable {
    var signed: [[UInt8]] = []
    func sign(_ bytes: [UInt8]) throws -> Signature {
        signed.append(bytes)
        return Signature(algorithm: 1, r: [UInt8(bytes.count & 0xFF)], s: [0])
    }
}

@Suite struct TerminalSignatureTests {
    @Test func reports2025AreSignedOverTheBodyWhenASignerExists() {
        let signer = CountingSigner()
        let config = TerminalConfig(edition: .v2025, vin: "LFWADRJF011002346", iccid: "89860624400014310964")
        let session = TerminalSession(config: config, store: MemoryReportStore(), serials: MemoryLoginSerialStore(),
                                      source: ClockVehicle(edition: .v2025), signer: signer)
        _ = session.start(atMillis: 1_783_378_515_000)
        _ = session.tick(atMillis: 1_783_378_515_000)
        #expect(signer.signed.count == 1)
        #expect(signer.signed.first?.prefix(6) == [26, 7, 7, 6, 55, 15][...])
    }
}
