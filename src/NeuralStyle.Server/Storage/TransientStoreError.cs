using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NeuralStyle.Server.Storage;

/// <summary>
/// Which store errors are the database being away for a while (a restart, a failover, a dropped connection, a full
/// or busy disk), not something wrong with the job: those are waited out and retried, and never end a job.
/// The one place that knows both databases' error codes.
/// </summary>
public static class TransientStoreError
{
    public static bool Is(Exception error) => error switch
    {
        PostgresException postgres => IsTransientState(postgres.SqlState) || postgres.IsTransient,
        // Connection refused or reset, "Exception while reading from/writing to stream", timeouts: Npgsql's own verdict.
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        SqliteException sqlite => sqlite.SqliteErrorCode is Busy or Locked or IoError or Full,
        SocketException or TimeoutException => true,
        _ => false,
    };

    // SQLite's primary result codes (sqlite3.h).
    private const int Busy = 5, Locked = 6, IoError = 10, Full = 13;

    /// <summary>PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01–57P03 (admin or
    /// crash shutdown, cannot connect now: a restart, pg_terminate_backend, a failover), 53300 (too many connections),
    /// 40001/40P01 (serialization failure, deadlock: retrying is the documented answer).</summary>
    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01";
}
