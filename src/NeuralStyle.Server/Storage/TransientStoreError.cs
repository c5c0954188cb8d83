using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NeuralStyle.Server.Storage;

/// <summary>
/// Which store errors are the database being away for a while (a restart, a failover, a dropped connection, a full
/// or busy disk), not something wrong with the job: those are waited out and retried, and never end a job.
/// The one place that knows both databases' error codes, and the disk's: the embedded store and the worker's scratch
/// files (checkpoints, the loss plot) share the machine's disk, and a full one is made free again, not a job's fault.
/// </summary>
public static class TransientStoreError
{
    /// <summary>Whether <paramref name="error"/>, or an error it wraps (a one-line "Cannot save …: no space left" wraps
    /// the disk's IOException), is one of those.</summary>
    public static bool Is(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (IsOne(e)) return true;
        return false;
    }

    private static bool IsOne(Exception error) => error switch
    {
        PostgresException postgres => IsTransientState(postgres.SqlState) || postgres.IsTransient,
        // Connection refused or reset, "Exception while reading from/writing to stream", timeouts: Npgsql's own verdict.
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        // Busy or locked by another connection; an I/O error, a full disk, or a file it cannot open (its WAL or shared
        // memory file, on a disk with no room for it) — SQLite's answers while the disk is full.
        SqliteException sqlite => sqlite.SqliteErrorCode is Busy or Locked or IoError or Full or CantOpen,
        IOException io => IsDiskFullOrFailing(io),
        SocketException or TimeoutException => true,
        _ => false,
    };

    // SQLite's primary result codes (sqlite3.h).
    private const int Busy = 5, Locked = 6, IoError = 10, Full = 13, CantOpen = 14;

    /// <summary>A write the disk refused for want of room (ENOSPC, EDQUOT) or failed (EIO): .NET on Linux gives the raw
    /// errno as the IOException's HResult; on Windows ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL as HRESULTs. Other
    /// IOExceptions (a missing file, a sharing violation) are not the disk's state and stay errors.</summary>
    private static bool IsDiskFullOrFailing(IOException io) =>
        io.HResult is Enospc or Edquot or Eio or WindowsDiskFull or WindowsHandleDiskFull;

    private const int Eio = 5, Enospc = 28, Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01–57P03 (admin or
    /// crash shutdown, cannot connect now: a restart, pg_terminate_backend, a failover), 53300 (too many connections),
    /// 53100 (the server's disk is full: freed, it goes on), 40001/40P01 (serialization failure, deadlock: retrying is the documented answer).</summary>
    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300" or "53100" or "40001" or "40P01";
}
