/// The records of one source row at a time, handed out in order: importers turn each row of
/// a real-world file into records of several entities.
struct RecordBuffer {
    private var records: [SourceRecord] = []
    private var index = 0

    /// The next record, reading rows with `readRow` (nil at the end of the file) as needed.
    mutating func next(readRow: () throws -> [SourceRecord]?) rethrows -> SourceRecord? {
        while index == records.count {
            guard let row = try readRow() else { return nil }
            records = row
            index = 0
        }
        index += 1
        return records[index - 1]
    }
}
