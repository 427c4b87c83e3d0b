extension TerminalSession {
    /// A frame from the platform.
    func handle(_ message: Message, now: Int64) {
        guard message.response != .command else {
            // Downlink query/set/control and anything else the platform originates: not implemented.
            statistics.downlinkIgnored += 1
            return
        }
        guard case let .reply(reply) = message.payload else { return }
        switch reply.shape {
        case .timeOnly: statistics.repliesTimeOnly += 1
        case .echo: statistics.repliesEcho += 1
        case .empty: statistics.repliesEmpty += 1
        }
        let success = message.response == .success
        switch message.command {
        case .login:
            guard case .loggingIn = state else { statistics.unexpectedReplies += 1; return }
            if success { loggedIn(now: now) } else { emit(.loginRefused(message.response)) }
        case .logout:
            guard case .loggingOut = state else { statistics.unexpectedReplies += 1; return }
            confirm(below: frameIndex, now: now)
            finish()
        case .heartbeat:
            guard let beat = heartbeat else { statistics.unexpectedReplies += 1; return }
            heartbeat = nil
            if success { confirm(below: beat.index, now: now) }
        case .timeSync:
            guard let sync = timeSync else { statistics.unexpectedReplies += 1; return }
            if success, let time = reply.time {
                timeSync = nil
                confirm(below: sync.index, now: now)
                emit(.timeSynced(platform: time, offsetSeconds: time.unixSeconds - now / 1000))
            }
        case .realtime, .reissue:
            reportReply(message.command, flag: message.response, time: reply.time, now: now)
        default:
            statistics.unexpectedReplies += 1
        }
    }

    func loggedIn(now: Int64) {
        state = .loggedIn
        confirm(below: frameIndex, now: now)
        emit(.loggedIn(serial: sessionSerial))
        if config.timeSyncOnLogin { timeSync = (send(.timeSync, []), now, 1) }
    }

    /// Everything written before frame `index` reached the platform (TCP keeps order).
    func confirm(below index: Int, now: Int64) {
        lastConfirmedAt = now
        unconfirmed.removeAll { $0.index < index }
        var kept: [(index: Int, id: UInt64, data: [UInt8])] = []
        for entry in inflight {
            if entry.index < index {
                do {
                    try store.acknowledge(entry.id)
                    statistics.reissueConfirmed += 1
                } catch { emit(.storeFailed("acknowledge: \(error)")) }
            } else {
                kept.append(entry)
            }
        }
        inflight = kept
    }

    /// A reply to a real-time or reissue report (some platforms acknowledge every report).
    /// Matched by collection time when the reply carries it; else to the newest report.
    func reportReply(_ command: Command, flag: ResponseFlag, time: BeijingTime?, now: Int64) {
        statistics.reportReplies += 1
        let timeBytes = time?.bytes
        let candidates: [(index: Int, data: [UInt8])] = unconfirmed + inflight.map { ($0.index, $0.data) }
        let match = candidates.last { timeBytes != nil && Array($0.data.prefix(6)) == timeBytes! } ?? candidates.last
        guard let match else { statistics.unexpectedReplies += 1; return }
        if flag == .success {
            confirm(below: match.index + 1, now: now)
            return
        }
        statistics.errorReplies += 1
        // 0x02 (and in 2025 0x04–0x07): send again after a minute; a report rejected a fourth
        // time is given up (B.2.1). Counted per report, by its data unit.
        let count = (rejections.first { $0.data == match.data }?.count ?? 0) + 1
        rejections.removeAll { $0.data == match.data }
        rejections.append((match.data, count))
        if rejections.count > 64 { rejections.removeFirst() }
        let resend = count <= 3
        if resend { resends.append((now + config.errorResendMillis, command, match.data)) }
        emit(.reportRejected(command: command, flag: flag, resend: resend))
    }

    /// Timers of the link: login retries, heartbeats, time-sync retries, reconnects, logout timeout.
    func linkTimers(now: Int64) {
        switch state {
        case let .loggingIn(attempt, sentAt) where now - sentAt >= config.responseTimeoutMillis:
            statistics.loginTimeouts += 1
            emit(.loginUnanswered(attempt: attempt))
            if attempt < 3 {
                sendLogin(attempt: attempt + 1, now: now)
            } else {
                state = .backingOff(until: now + config.loginBackoffMillis)
                emit(.loginBackoff(untilMillis: now + config.loginBackoffMillis))
                emit(.disconnect)
            }
        case let .backingOff(until) where now >= until, let .waitingToReconnect(until) where now >= until:
            state = .connecting
            emit(.connect)
        case let .loggingOut(sentAt) where now - sentAt >= config.responseTimeoutMillis:
            finish()
        case .loggedIn:
            if let beat = heartbeat, now - beat.sentAt >= config.responseTimeoutMillis {
                heartbeat = nil
                statistics.heartbeatTimeouts += 1
                emit(.heartbeatUnanswered)
                emit(.disconnect)
                return
            }
            if heartbeat == nil && now - lastConfirmedAt >= config.heartbeatMillis {
                heartbeat = (send(.heartbeat, []), now)
            }
            if let sync = timeSync, now - sync.sentAt >= config.responseTimeoutMillis {
                timeSync = sync.attempts < 3 ? (send(.timeSync, []), now, sync.attempts + 1) : nil
            }
            let due = resends.filter { $0.due <= now }
            resends.removeAll { $0.due <= now }
            for entry in due {
                statistics.resent += 1
                unconfirmed.append((send(entry.command, entry.data), entry.data))
            }
        default:
            break
        }
    }
}
