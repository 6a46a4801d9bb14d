import CSQLite

/// The arguments of one row given to an application-defined function or aggregate.
public struct AggregateArguments {
    let values: UnsafeMutablePointer<OpaquePointer?>?
    public let count: Int

    public func isNull(_ index: Int) -> Bool {
        sqlite3_value_type(values?[index]) == SQLITE_NULL
    }

    public func int64(_ index: Int) -> Int64 {
        sqlite3_value_int64(values?[index])
    }

    public func double(_ index: Int) -> Double {
        sqlite3_value_double(values?[index])
    }
}

/// One group's state of an application-defined aggregate SQL function: fed the group's rows,
/// then asked for its value (never asked for a group with no row: the value is then NULL).
public protocol SQLAggregate: AnyObject {
    func step(_ arguments: AggregateArguments)
    func result() -> SQLValue
}

extension Database {
    /// Defines an aggregate SQL function on this connection, once: each group gets a fresh
    /// aggregate from `make`. A second definition of the same name does nothing, so callers
    /// may define what they need before each use (SQLite refuses to redefine a function while
    /// a statement runs).
    public func defineAggregate(_ name: String, argumentCount: Int32, _ make: @escaping () -> any SQLAggregate) throws {
        guard definedFunctions.insert(name).inserted else { return }
        let maker = Unmanaged.passRetained(AggregateMaker(make)).toOpaque()
        let code = sqlite3_create_function_v2(
            handle, name, argumentCount, SQLITE_UTF8 | SQLITE_DETERMINISTIC, maker, nil,
            { context, count, values in
                guard let context, let group = AggregateGroup.of(context, creating: true) else { return }
                group.aggregate.step(AggregateArguments(values: values, count: Int(count)))
            },
            { context in
                guard let context else { return }
                guard let group = AggregateGroup.of(context, creating: false) else { return sqlite3_result_null(context) }
                defer { AggregateGroup.release(context) }
                setResult(group.aggregate.result(), of: context)
            },
            { maker in maker.map { Unmanaged<AggregateMaker>.fromOpaque($0).release() } })
        guard code == SQLITE_OK else {
            definedFunctions.remove(name)
            throw SQLiteError(extendedCode: ResultCode(rawValue: code), message: "cannot define \(name): \(String(cString: sqlite3_errstr(code)))")
        }
    }
}

extension Database {
    /// Defines a scalar SQL function on this connection, once (as `defineAggregate`): `body`
    /// gives the value for one row's arguments.
    public func defineFunction(_ name: String, argumentCount: Int32, _ body: @escaping (AggregateArguments) -> SQLValue) throws {
        guard definedFunctions.insert(name).inserted else { return }
        let function = Unmanaged.passRetained(ScalarFunction(body)).toOpaque()
        let code = sqlite3_create_function_v2(
            handle, name, argumentCount, SQLITE_UTF8 | SQLITE_DETERMINISTIC, function,
            { context, count, values in
                guard let context else { return }
                let function = Unmanaged<ScalarFunction>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
                setResult(function.body(AggregateArguments(values: values, count: Int(count))), of: context)
            },
            nil, nil,
            { function in function.map { Unmanaged<ScalarFunction>.fromOpaque($0).release() } })
        guard code == SQLITE_OK else {
            definedFunctions.remove(name)
            throw SQLiteError(extendedCode: ResultCode(rawValue: code), message: "cannot define \(name): \(String(cString: sqlite3_errstr(code)))")
        }
    }
}

/// What `defineFunction` hands SQLite as the function's user data.
private final class ScalarFunction {
    let body: (AggregateArguments) -> SQLValue
    init(_ body: @escaping (AggregateArguments) -> SQLValue) { self.body = body }
}

/// What `defineAggregate` hands SQLite as the function's user data.
private final class AggregateMaker {
    let make: () -> any SQLAggregate
    init(_ make: @escaping () -> any SQLAggregate) { self.make = make }
}

/// One group's aggregate, kept (retained) in the group's SQLite aggregate context from its
/// first row until its result is taken.
private final class AggregateGroup {
    let aggregate: any SQLAggregate
    init(_ aggregate: any SQLAggregate) { self.aggregate = aggregate }

    static func of(_ context: OpaquePointer, creating: Bool) -> AggregateGroup? {
        // Size 0 asks for the context without allocating it: nil for a group with no row.
        guard let raw = sqlite3_aggregate_context(context, creating ? Int32(MemoryLayout<UnsafeMutableRawPointer?>.size) : 0) else {
            return nil
        }
        let slot = raw.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        if let stored = slot.pointee { return Unmanaged<AggregateGroup>.fromOpaque(stored).takeUnretainedValue() }
        guard creating else { return nil }
        let maker = Unmanaged<AggregateMaker>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
        let group = AggregateGroup(maker.make())
        slot.pointee = Unmanaged.passRetained(group).toOpaque()
        return group
    }

    static func release(_ context: OpaquePointer) {
        guard let raw = sqlite3_aggregate_context(context, 0) else { return }
        let slot = raw.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        slot.pointee.map { Unmanaged<AggregateGroup>.fromOpaque($0).release() }
        slot.pointee = nil
    }
}

private func setResult(_ value: SQLValue, of context: OpaquePointer) {
    switch value {
    case .null: sqlite3_result_null(context)
    case .integer(let number): sqlite3_result_int64(context, number)
    case .real(let number): sqlite3_result_double(context, number)
    case .text(let text):
        // The UTF-8 bytes in place (copied by SQLite), not a C string made for the call.
        var bytes = text
        bytes.withUTF8 { utf8 in
            // SQLite reads a null pointer as NULL, and an empty buffer may have none.
            guard let start = utf8.baseAddress, !utf8.isEmpty else { return sqlite3_result_text(context, "", 0, SQLITE_TRANSIENT) }
            sqlite3_result_text(context, start, Int32(utf8.count), SQLITE_TRANSIENT)
        }
    case .blob(let data):
        data.withUnsafeBytes { bytes in
            sqlite3_result_blob64(context, bytes.baseAddress, sqlite3_uint64(bytes.count), SQLITE_TRANSIENT)
        }
    }
}
