import Foundation
import Synchronization

/// The month sums of the runs of observations a load credits (`MonthTotals`), worked out on a
/// thread of their own while the writing thread inserts the next rows. The writing thread
/// limits a load (it holds the one connection), and this work needs no database: the writing
/// thread reads what it needs (each run's metric shape, model's release day and
/// organization, the series' stored last point) and hands it over with the run's
/// observations, in order, as events; it takes back month rows sorted for writing, and the
/// organizations' sums.
///
/// One batch of events is worked on at a time while the writing thread gathers the next, so
/// memory stays bounded by two batches and what they produce.
final class BackgroundMonthTotals: Sendable {
    /// A series' run of new observations, and what its months are worked out from.
    struct Run {
        let metric: Int64, model: Int64
        let shape: MetricSpan.Shape
        let release: Int
        /// The series' last point stored before the run (nil for a new series).
        let previous: MetricSpan.Point?
        /// The model's organization; nil for a stub, whose months no organization sums.
        let organization: String?
    }

    /// A run's months are written only at its `end`: a run the writing thread gives up on (it
    /// is recomputed from the table instead, see ObservationSummaries) simply has none, and the
    /// next `start` replaces it.
    enum Event {
        case start(Run)
        case point(MetricSpan.Point)
        case end
    }

    /// What the writing thread is to write.
    enum Output {
        case months(SortedMonthRows)
        case organizations(OrganizationMonths)
    }

    /// Used only by the job running (or, between jobs, by `submit` and `finish`): the group
    /// keeps them apart, the lock makes that something the compiler can check.
    private let work = Mutex(Work())
    private let queue = DispatchQueue(label: "owl.month-totals")
    private let running = DispatchGroup()

    private struct Work {
        var run: Run?
        var previous: MetricSpan.Point?
        var months = MonthTotals()
        var pending = PendingMonthRows()
        var organizations = OrganizationMonths()
        var outputs: [Output] = []

        mutating func apply(_ events: [Event]) {
            for event in events {
                switch event {
                case .start(let started):
                    run = started
                    previous = started.previous
                    months = MonthTotals()
                case .point(let point):
                    guard let run else { continue }
                    months.add(MetricSpan(shape: run.shape, release: run.release, previous: previous, current: point))
                    previous = point
                case .end:
                    guard let run else { continue }
                    self.run = nil
                    if let full = pending.adding(months.rows, metric: run.metric, model: run.model) { outputs.append(.months(full)) }
                    if !months.rows.isEmpty, let organization = run.organization {
                        organizations.add(months.rows, metric: run.metric, organization: organization)
                        if organizations.isFull {
                            outputs.append(.organizations(organizations))
                            organizations = OrganizationMonths()
                        }
                    }
                }
            }
        }

        mutating func takeOutputs() -> [Output] {
            defer { outputs = [] }
            return outputs
        }
    }

    /// Starts on `events` once the batch before them is done, and returns what that batch
    /// (and any before it not yet returned) produced.
    func submit(_ events: [Event]) -> [Output] {
        running.wait()
        let outputs = work.withLock { $0.takeOutputs() }
        queue.async(group: running) { [self] in
            work.withLock { $0.apply(events) }
        }
        return outputs
    }

    /// Waits for the events submitted, and returns everything left: the last month rows
    /// and organizations' sums.
    func finish() -> [Output] {
        running.wait()
        return work.withLock { work in
            var outputs = work.takeOutputs()
            outputs.append(.months(work.pending.sorted()))
            outputs.append(.organizations(work.organizations))
            work.organizations = OrganizationMonths()
            return outputs
        }
    }
}
